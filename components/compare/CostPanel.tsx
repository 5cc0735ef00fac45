import { VARIANTS } from "@/lib/catalog/variants";
import { mitigationEffects } from "@/lib/compare/report";
import type { RunResult } from "@/lib/compare/types";
import { SCENARIOS } from "@/lib/catalog/scenarios";

const ms = (v: number | null) => (v === null ? "–" : v < 1 ? v.toFixed(2) : v.toFixed(1));

/**
 * Per-request cost, measured in this run: store lookups per check (from each
 * response's Server-Timing), the check's server time, and the credential's
 * bytes. The pairs below show each mitigation next to its base strategy: what
 * it closes, and the lookup it brings back.
 */
export function CostPanel({ result }: { result: RunResult }) {
  const effects = mitigationEffects(result);
  const maxMs = Math.max(0.01, ...effects.flatMap((e) => e.checkMs.filter((v): v is number => v !== null)));
  return (
    <section className="card stack" aria-labelledby="cost-title" data-testid="cost-panel">
      <h2 id="cost-title">What each check costs</h2>
      <p className="muted" style={{ margin: 0 }}>
        Lookups are counted by the server below Prisma and reported in every response&apos;s <code>Server-Timing</code> header (open your
        browser&apos;s dev tools to see it); check times are the median and p99 of {result.costs[0]?.checkMs.count ?? 0} sequential{" "}
        <code>GET /check</code> per variant after the cells, when nothing else ran.
      </p>
      <div className="table-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">lookups per check (catalog)</th>
              <th scope="col">check median / p99</th>
              <th scope="col">median during the matrix</th>
              <th scope="col">credential bytes per request</th>
              <th scope="col">refresh</th>
            </tr>
          </thead>
          <tbody>
            {result.costs.map((c) => {
              const lookups =
                c.lookups.min === null ? "–" : c.lookups.min === c.lookups.max ? `${c.lookups.min}` : `${c.lookups.min}–${c.lookups.max}`;
              const off = c.lookups.min !== null && c.lookups.min !== c.expectedLookups;
              return (
                <tr key={c.variant} data-testid={`cost-${c.variant}`}>
                  <th scope="row">
                    <code>{c.variant}</code>
                  </th>
                  <td className={off ? "alert" : undefined}>
                    {lookups} ({c.expectedLookups}){off && " — differs from the catalog"}
                  </td>
                  <td>
                    {ms(c.checkMs.median)} / {ms(c.checkMs.p99)} ms
                  </td>
                  <td>{ms(c.loadedCheckMs.median)} ms</td>
                  <td>{c.credentialBytes.median ?? "–"}</td>
                  <td>
                    {c.refresh ? `${c.refresh.count} refreshes, ${c.refresh.lookups} lookups each, ${ms(c.refresh.ms.median)} ms` : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {effects.length > 0 && (
        <>
          <h3>What each mitigation adds to a request, and what it closes</h3>
          <div className="bars" data-testid="mitigation-bars">
            {effects.map((e) => (
              <MitigationBars key={e.variant} effect={e} maxMs={maxMs} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}

function MitigationBars({ effect: e, maxMs }: { effect: ReturnType<typeof mitigationEffects>[number]; maxMs: number }) {
  const closes = e.closes.length ? e.closes.map((s) => SCENARIOS[s].label.toLowerCase()).join(", ") : "nothing at once";
  const dots = (n: number | null) => (n === null ? "?" : n === 0 ? "no lookup" : `${"●".repeat(n)} ${n} lookup${n === 1 ? "" : "s"}`);
  return (
    <>
      <span>
        <code>{e.base}</code>
      </span>
      <span>
        <span className="bar" style={{ width: `${((e.checkMs[0] ?? 0) / maxMs) * 60}%`, display: "inline-block" }} /> {ms(e.checkMs[0])} ms
        · {dots(e.lookups[0])}
      </span>
      <span>
        <code>{e.variant}</code>
      </span>
      <span>
        <span className="bar mitigation" style={{ width: `${((e.checkMs[1] ?? 0) / maxMs) * 60}%`, display: "inline-block" }} />{" "}
        {ms(e.checkMs[1])} ms · {dots(e.lookups[1])}
        {e.refreshLookups !== null && ` (+${e.refreshLookups} per refresh)`} — {VARIANTS[e.variant].adds} Closes: {closes}.
      </span>
    </>
  );
}
