import { claims, whatToPick } from "@/lib/compare/report";
import type { RunResult } from "@/lib/compare/types";
import { Inline } from "./Inline";

/** The debate's claims, each confirmed or refuted by this run's numbers; and what to pick, derived from them. */
export function Findings({ result }: { result: RunResult }) {
  return (
    <div className="grid">
      <section className="card stack" aria-labelledby="claims-title" data-testid="claims">
        <h2 id="claims-title">Claims board</h2>
        <ul className="claims">
          {claims(result).map((c) => (
            <li key={c.id} data-claim={c.id}>
              <strong>{c.claim}</strong>{" "}
              <span className="verdict" data-verdict={c.verdict}>
                {c.verdict}
              </span>
              <p>
                <Inline text={c.finding} />
              </p>
              {c.evidence.length > 0 && (
                <details>
                  <summary>Measurements</summary>
                  <ul className="plain">
                    {c.evidence.map((e) => (
                      <li key={e}>
                        <Inline text={e} />
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section className="card stack" aria-labelledby="pick-title" data-testid="what-to-pick">
        <h2 id="pick-title">What to pick</h2>
        <p className="muted" style={{ margin: 0 }}>
          Derived from this run&apos;s results alone.
        </p>
        <ul className="claims">
          {whatToPick(result).map((p) => (
            <li key={p.need}>
              <strong>{p.need}:</strong> <Inline text={p.answer} />
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
