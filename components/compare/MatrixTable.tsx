"use client";

import type { VariantId } from "@/lib/catalog/variants";
import { rowLabel } from "@/lib/compare/export";
import { cellLabel } from "@/lib/compare/report";
import type { RowId, RunSettings } from "@/lib/compare/settings";
import type { CellResult } from "@/lib/compare/types";

const VERDICT_WORDS: Record<CellResult["verdict"], string> = {
  match: "as the catalog expects",
  mismatch: "contradicts the catalog",
  inconclusive: "inconclusive",
  error: "not measured",
  "n/a": "does not apply",
};

export const cellKey = (variant: VariantId, row: RowId) => `${variant}/${row}`;

/**
 * Scenario × variant, filled in cell by cell while a run streams. Each cell
 * shows what was observed and, below, what the catalog expected; a
 * contradiction is outlined in red and says so in words.
 */
export function MatrixTable({
  settings,
  cells,
  running,
  onSelect,
}: {
  settings: Pick<RunSettings, "variants" | "scenarios" | "probes">;
  cells: ReadonlyMap<string, CellResult>;
  running: ReadonlySet<string>;
  onSelect?: (cell: CellResult) => void;
}) {
  const rows: RowId[] = [...settings.scenarios, ...settings.probes];
  return (
    <div className="table-scroll">
      <table className="matrix" aria-label="Comparison matrix: scenarios by variant, observed and expected">
        <thead>
          <tr>
            <th scope="col">Scenario</th>
            {settings.variants.map((v) => (
              <th key={v} scope="col">
                {v}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row}>
              <th scope="row">{rowLabel(row)}</th>
              {settings.variants.map((v) => {
                const key = cellKey(v, row);
                const cell = cells.get(key);
                if (!cell) {
                  return (
                    <td key={v} className="cell" data-testid={`cell-${key}`} data-state={running.has(key) ? "running" : "queued"}>
                      <span className="muted">{running.has(key) ? "measuring…" : "queued"}</span>
                    </td>
                  );
                }
                return (
                  <td
                    key={v}
                    className="cell"
                    data-testid={`cell-${key}`}
                    data-state="done"
                    data-verdict={cell.verdict}
                    data-outcome={cell.outcome ?? ""}
                    title={`${cell.summary}${cell.problem ? ` — ${cell.problem}` : ""}`}
                  >
                    <div className="cell-main">
                      {onSelect ? (
                        <button type="button" className="link" onClick={() => onSelect(cell)}>
                          {cellLabel(cell)}
                        </button>
                      ) : (
                        cellLabel(cell)
                      )}
                    </div>
                    {cell.verdict !== "n/a" && <div className="cell-expected">expected: {shortExpected(cell)}</div>}
                    {cell.verdict === "mismatch" && <div className="cell-expected">{VERDICT_WORDS.mismatch}</div>}
                    <span className="sr-only">{VERDICT_WORDS[cell.verdict]}</span>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function shortExpected(cell: CellResult): string {
  const e = cell.expected;
  if (e.window === "probe") return cell.checks ? "holds" : `${e.boundSeconds} s`;
  const unsupported = e.unsupported ? "unsupported, " : "";
  switch (e.window) {
    case "none":
      return `${unsupported}at once`;
    case "credential":
    case "access-token":
      return `${unsupported}≤ ${e.boundSeconds} s (expiry)`;
    case "sliding":
      return `${unsupported}slides`;
  }
}
