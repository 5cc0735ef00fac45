"use client";

import Link from "next/link";

export interface RunSummary {
  id: string;
  status: "running" | "done" | "failed" | "aborted";
  source: string;
  settings: { variants?: string[]; scenarios?: string[]; probes?: string[]; pollMs?: number } | null;
  mismatches: number;
  problems: number;
  wallMs: number | null;
  error: string | null;
  createdAt: string;
}

/** Past runs, stored with their settings: reopen one, or download it as JSON, CSV or Markdown. */
export function History({ runs, current, onRefresh }: { runs: RunSummary[] | null; current: string | null; onRefresh: () => void }) {
  return (
    <section className="card stack" aria-labelledby="history-title" data-testid="history">
      <div className="row">
        <h2 id="history-title">History</h2>
        <button type="button" className="secondary" onClick={onRefresh}>
          Refresh
        </button>
      </div>
      {runs === null ? (
        <p className="muted">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="matrix">
            <thead>
              <tr>
                <th scope="col">started</th>
                <th scope="col">status</th>
                <th scope="col">settings</th>
                <th scope="col">result</th>
                <th scope="col">wall time</th>
                <th scope="col">open / export</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} data-run={r.id} aria-current={r.id === current ? "true" : undefined}>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>{r.status}</td>
                  <td>
                    {r.settings?.variants?.length ?? "?"} variants ×{" "}
                    {(r.settings?.scenarios?.length ?? 0) + (r.settings?.probes?.length ?? 0)} rows, {r.settings?.pollMs ?? "?"} ms
                  </td>
                  <td>
                    {r.status === "done" || r.status === "aborted" ? (
                      <span className="verdict" data-verdict={r.mismatches > 0 ? "mismatch" : r.problems > 0 ? "inconclusive" : "match"}>
                        {r.mismatches} contradiction{r.mismatches === 1 ? "" : "s"}
                        {r.problems > 0 ? `, ${r.problems} unmeasured` : ""}
                      </span>
                    ) : (
                      (r.error ?? "–")
                    )}
                  </td>
                  <td>{r.wallMs ? `${(r.wallMs / 1000).toFixed(1)} s` : "–"}</td>
                  <td>
                    {r.status === "running" ? (
                      "running…"
                    ) : (
                      <>
                        <Link href={`/compare?run=${r.id}`}>open</Link> · <a href={`/api/compare/runs/${r.id}/export?format=json`}>JSON</a>{" "}
                        · <a href={`/api/compare/runs/${r.id}/export?format=csv`}>CSV</a> ·{" "}
                        <a href={`/api/compare/runs/${r.id}/export?format=md`}>Markdown</a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
