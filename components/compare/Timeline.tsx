import { SCENARIOS, isScenarioId } from "@/lib/catalog/scenarios";
import { rowLabel } from "@/lib/compare/export";
import type { RowId } from "@/lib/compare/settings";
import type { CellResult, SampleState } from "@/lib/compare/types";

// One scenario's timeline: x is the time since the event (since sign-in for
// the lifetime probe), one row per variant, each stretch coloured by what the
// replay starting it saw. Plain SVG: every row has a <title>, the chart a
// <desc> that reads each row out, and the legend is an HTML list, so a screen
// reader gets the same facts as the picture.

export const STATE_STYLE: Record<SampleState, { color: string; label: string }> = {
  accepted: { color: "#d9534f", label: "still accepted" },
  stale: { color: "#e0a526", label: "stale data served" },
  rejected: { color: "#2e9e5b", label: "refused" },
  fresh: { color: "#3b82c4", label: "fresh data" },
  error: { color: "#9aa1ab", label: "no usable answer" },
};

const LABEL_W = 130;
const RIGHT_W = 150;
const PLOT_W = 620;
const ROW_H = 26;
const TOP = 24;

export function describeRow(cell: CellResult): string {
  return `${cell.variant}: ${cell.summary}`;
}

export function Timeline({ row, cells }: { row: RowId; cells: CellResult[] }) {
  const measured = cells.filter((c) => c.observation && c.samples.length > 0);
  if (measured.length === 0) return null;
  const maxMs = Math.max(1000, ...measured.map((c) => Math.max(...c.samples.map((s) => s.r))));
  const maxS = Math.ceil(maxMs / 1000);
  const x = (ms: number) => LABEL_W + (Math.max(0, Math.min(ms, maxS * 1000)) / (maxS * 1000)) * PLOT_W;
  const height = TOP + measured.length * ROW_H + 30;
  const width = LABEL_W + PLOT_W + RIGHT_W;
  const step = maxS > 20 ? 5 : maxS > 8 ? 2 : 1;
  const ticks = Array.from({ length: Math.floor(maxS / step) + 1 }, (_, i) => i * step);
  const since = row === "lifetime" ? "sign-in" : "the event";
  const title = `${rowLabel(row)}: what each variant's credential did after ${since}`;
  const id = `timeline-${row}`;
  const what = isScenarioId(row) ? SCENARIOS[row].replay : "The copy, replayed unchanged.";
  return (
    <figure className="stack" style={{ margin: 0 }}>
      <svg className="timeline" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} data-testid={id}>
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{`${what} ${measured.map(describeRow).join(". ")}.`}</desc>
        {ticks.map((t) => (
          <g key={t} aria-hidden="true">
            <line x1={x(t * 1000)} x2={x(t * 1000)} y1={TOP - 6} y2={height - 24} stroke="#e3e6eb" />
            <text x={x(t * 1000)} y={height - 8} fontSize="11" textAnchor="middle" fill="#5b6270">
              {t} s
            </text>
          </g>
        ))}
        <text x={LABEL_W} y={14} fontSize="11" fill="#5b6270" aria-hidden="true">
          seconds since {since} →
        </text>
        {measured.map((cell, i) => {
          const y = TOP + i * ROW_H;
          const after = cell.samples.filter((s) => s.s >= 0).sort((a, b) => a.s - b.s);
          const closed = cell.observation?.closedAfter;
          return (
            <g key={cell.variant} data-variant={cell.variant}>
              <title>{describeRow(cell)}</title>
              <text
                x={LABEL_W - 8}
                y={y + ROW_H / 2 + 4}
                fontSize="12"
                textAnchor="end"
                fontFamily="ui-monospace, monospace"
                fill="#16181d"
              >
                {cell.variant}
              </text>
              {after.map((s, j) => {
                const end = after[j + 1]?.s ?? s.r;
                return (
                  <rect
                    key={j}
                    x={x(s.s)}
                    y={y + 4}
                    width={Math.max(1.5, x(end) - x(s.s))}
                    height={ROW_H - 8}
                    fill={STATE_STYLE[s.state].color}
                    shapeRendering="crispEdges"
                  />
                );
              })}
              {closed && <line x1={x(closed.high)} x2={x(closed.high)} y1={y + 1} y2={y + ROW_H - 1} stroke="#16181d" strokeWidth="1.5" />}
              <text x={LABEL_W + PLOT_W + 8} y={y + ROW_H / 2 + 4} fontSize="11" fill={cell.verdict === "mismatch" ? "#a11d1d" : "#16181d"}>
                {rowEnd(cell)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          {(Object.keys(STATE_STYLE) as SampleState[]).map((s) => (
            <li key={s}>
              <span className="swatch" style={{ background: STATE_STYLE[s].color }} aria-hidden="true" />
              {STATE_STYLE[s].label}
            </li>
          ))}
          <li>
            <span aria-hidden="true">│</span> first refusal (or fresh data) observed
          </li>
        </ul>
      </figcaption>
    </figure>
  );
}

function rowEnd(cell: CellResult): string {
  const obs = cell.observation!;
  const mark = cell.verdict === "mismatch" ? "✗ " : "";
  if (obs.closedAfter) return `${mark}${obs.opened ? `${(obs.closedAfter.high / 1000).toFixed(1)} s` : "at once"}`;
  return `${mark}open ≥ ${((obs.openUntil ?? 0) / 1000).toFixed(1)} s`;
}
