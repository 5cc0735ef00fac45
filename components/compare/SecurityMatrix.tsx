import Link from "next/link";
import { CATEGORIES, SECURITY_PROPERTIES, type Outcome } from "@/lib/catalog/security-properties";
import { VARIANT_IDS } from "@/lib/catalog/variants";

// The security matrix on /compare: every property of lib/catalog/security-properties.ts × every variant,
// showing what the catalog expects, what the e2e/security suite last observed (with its date) and the
// property's sources. A cell where the observation disagrees with the expectation is marked.

export interface ObservedCellView {
  observed: "holds" | "fails" | "error";
  detail: string;
}

const SHORT: Record<Outcome["outcome"], string> = { holds: "holds", "fails-by-design": "fails by design", "n/a": "n/a" };

function verdictOf(expected: Outcome, seen: ObservedCellView | undefined): string {
  if (expected.outcome === "n/a") return "n/a";
  if (!seen) return "not measured";
  if (seen.observed === "error") return "error";
  const agrees = expected.outcome === "holds" ? seen.observed === "holds" : seen.observed === "fails";
  return agrees ? "match" : "mismatch";
}

export function SecurityMatrix({
  observed,
  runAt,
  runStatus,
}: {
  observed: Record<string, ObservedCellView>;
  runAt: string | null;
  runStatus: string | null;
}) {
  const mismatches = SECURITY_PROPERTIES.flatMap((p) =>
    VARIANT_IDS.filter((v) => verdictOf(p.expected[v], observed[`${p.id}/${v}`]) === "mismatch").map((v) => `${p.id}/${v}`),
  );
  return (
    <section id="security" className="card stack" aria-labelledby="security-title" data-testid="security-matrix">
      <h2 id="security-title">Security properties</h2>
      <p className="muted" style={{ margin: 0 }}>
        {SECURITY_PROPERTIES.length} properties from OWASP ASVS 5.0, RFC 8725, the OWASP cheat sheets and known CVEs, each with the outcome
        expected for every variant: <strong>holds</strong>, <strong>fails by design</strong> (the strategy cannot have it without a
        mitigation; the suite asserts that it fails) or <strong>n/a</strong>. Below each expectation, what the Playwright suite (
        <code>npx playwright test --project security</code>) observed in its last run on this server
        {runAt ? (
          <>
            : <time dateTime={runAt}>{new Date(runAt).toISOString().replace("T", " ").slice(0, 16)} UTC</time> ({runStatus})
          </>
        ) : (
          <>: it has not run here yet</>
        )}
        . Fire the attacks yourself in the <Link href="/lab/attacks">attack lab</Link>.
      </p>
      {mismatches.length > 0 && (
        <p className="alert" role="alert" data-testid="security-mismatches">
          {mismatches.length} cell(s) observed otherwise than the catalog expects: {mismatches.slice(0, 12).join(", ")}
          {mismatches.length > 12 ? ", …" : ""}
        </p>
      )}
      <div className="table-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">Property</th>
              {VARIANT_IDS.map((v) => (
                <th key={v} scope="col">
                  {v}
                </th>
              ))}
              <th scope="col">Source</th>
            </tr>
          </thead>
          {(Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[]).map((category) => (
            <tbody key={category}>
              <tr>
                <th colSpan={VARIANT_IDS.length + 2} scope="colgroup">
                  {CATEGORIES[category]}
                </th>
              </tr>
              {SECURITY_PROPERTIES.filter((p) => p.category === category).map((p) => (
                <tr key={p.id} data-property={p.id}>
                  <th scope="row" title={p.statement}>
                    {p.id} {p.title}
                    {p.dependsOnFix ? <div className="cell-expected">tests review fix {p.dependsOnFix.split(" ")[0]}</div> : null}
                  </th>
                  {VARIANT_IDS.map((v) => {
                    const expected = p.expected[v];
                    const seen = observed[`${p.id}/${v}`];
                    const verdict = verdictOf(expected, seen);
                    return (
                      <td
                        key={v}
                        className="cell"
                        data-verdict={verdict}
                        data-testid={`security-${p.id}-${v}`}
                        title={[expected.outcome === "holds" ? expected.note : expected.reason, seen ? `observed: ${seen.detail}` : null]
                          .filter(Boolean)
                          .join("\n")}
                      >
                        <div className="cell-main">{SHORT[expected.outcome]}</div>
                        {expected.outcome !== "n/a" && (
                          <div className="cell-expected">
                            {seen ? `observed: ${seen.observed === "fails" ? "fails" : seen.observed}` : "not measured"}
                          </div>
                        )}
                      </td>
                    );
                  })}
                  <td className="cell-expected">{p.sources.join("; ")}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </section>
  );
}
