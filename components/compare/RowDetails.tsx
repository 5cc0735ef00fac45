import { SCENARIOS, isScenarioId } from "@/lib/catalog/scenarios";
import { PROBES } from "@/lib/compare/probes";
import { rowLabel } from "@/lib/compare/export";
import type { ProbeId, RowId } from "@/lib/compare/settings";
import type { CellResult } from "@/lib/compare/types";
import { Timeline } from "./Timeline";

const VERDICT_TEXT: Record<CellResult["verdict"], string> = {
  match: "✓ as expected",
  mismatch: "✗ contradicts the catalog",
  inconclusive: "? inconclusive",
  error: "! not measured",
  "n/a": "– n/a",
};

/** One scenario (or probe): what happens, the timeline, and expected vs observed for every variant with the one-line why. */
export function RowDetails({ row, cells }: { row: RowId; cells: CellResult[] }) {
  const scenario = isScenarioId(row) ? SCENARIOS[row] : null;
  const probe = scenario ? null : PROBES[row as ProbeId];
  return (
    <section className="card stack" aria-labelledby={`row-${row}`} data-testid={`row-${row}`}>
      <h3 id={`row-${row}`}>{rowLabel(row)}</h3>
      <p className="muted" style={{ margin: 0 }}>
        {scenario ? `${scenario.event} ${scenario.replay}` : probe!.description}
      </p>
      <Timeline row={row} cells={cells} />
      <div className="table-scroll">
        <table className="matrix">
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">observed</th>
              <th scope="col">expected</th>
              <th scope="col">why</th>
              <th scope="col">under production lifetimes</th>
            </tr>
          </thead>
          <tbody>
            {cells.map((c) => (
              <tr key={c.variant} className="cell" data-verdict={c.verdict}>
                <th scope="row">
                  <code>{c.variant}</code>
                  <div className="cell-expected">{VERDICT_TEXT[c.verdict]}</div>
                </th>
                <td>
                  {c.summary}
                  {c.checks && (
                    <ul className="plain">
                      {c.checks.map((k) => (
                        <li key={k.label}>
                          {k.ok ? "✓" : "✗"} {k.label}: {k.observed}
                          {!k.ok && ` (expected ${k.expected})`}
                        </li>
                      ))}
                    </ul>
                  )}
                  {c.event && c.kind === "scenario" && (
                    <div className="cell-expected">
                      event: <code>{c.event.request}</code> → {c.event.status}
                      {c.event.code ? ` ${c.event.code}` : ""}
                    </div>
                  )}
                  {c.problem && <p className="alert">{c.problem}</p>}
                </td>
                <td>{c.verdict === "n/a" ? "–" : c.expected.text}</td>
                <td>{c.explanation}</td>
                <td>{c.production}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
