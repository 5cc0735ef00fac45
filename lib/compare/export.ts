import { SCENARIOS, isScenarioId } from "@/lib/catalog/scenarios";
import { VARIANTS } from "@/lib/catalog/variants";
import { PROBES } from "./probes";
import { cellLabel, claims, countsText, findCell, mitigationEffects, VERDICT_MARK, whatToPick } from "./report";
import type { ProbeId, RowId } from "./settings";
import type { RunResult } from "./types";

// A run as JSON, CSV and Markdown: the page's export buttons, the history
// endpoint and the CLI all use these, so an export reads like the page.

export const EXPORT_FORMATS = ["json", "csv", "md"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_TYPES: Record<ExportFormat, string> = {
  json: "application/json; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  md: "text/markdown; charset=utf-8",
};

export function rowLabel(row: RowId): string {
  return isScenarioId(row) ? SCENARIOS[row].label : PROBES[row as ProbeId].label;
}

export function exportRun(result: RunResult, format: ExportFormat): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "csv":
      return toCsv(result);
    case "md":
      return toMarkdown(result);
  }
}

const CSV_COLUMNS = [
  "variant",
  "row",
  "kind",
  "verdict",
  "outcome",
  "expected_window",
  "expected_bound_s",
  "opened",
  "closed_by",
  "closed_after_low_s",
  "closed_by_high_s",
  "open_until_s",
  "resolution_ms",
  "age_at_event_s",
  "watched_s",
  "replays",
  "poll_ms",
  "event",
  "event_status",
  "summary",
  "production",
  "problem",
] as const;

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  // Quote what needs it; a leading =, +, - or @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const sec = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : (ms / 1000).toFixed(3));

function toCsv(result: RunResult): string {
  const lines = [CSV_COLUMNS.join(",")];
  for (const c of result.cells) {
    const o = c.observation;
    const row: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      variant: c.variant,
      row: c.row,
      kind: c.kind,
      verdict: c.verdict,
      outcome: c.outcome,
      expected_window: c.expected.window,
      expected_bound_s: c.expected.boundSeconds,
      opened: o?.opened,
      closed_by: o?.closedBy,
      closed_after_low_s: sec(o?.closedAfter?.low),
      closed_by_high_s: sec(o?.closedAfter?.high),
      open_until_s: sec(o?.openUntil),
      resolution_ms: o?.resolutionMs === null || o?.resolutionMs === undefined ? null : Math.round(o.resolutionMs),
      age_at_event_s: sec(o?.ageAtEventMs),
      watched_s: sec(o?.watchedMs),
      replays: c.samples.length,
      poll_ms: c.pollMs,
      event: c.event?.request,
      event_status: c.event?.status,
      summary: c.summary,
      production: c.production,
      problem: c.problem,
    };
    lines.push(CSV_COLUMNS.map((k) => csvField(row[k])).join(","));
  }
  return `${lines.join("\n")}\n`;
}

const md = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function toMarkdown(result: RunResult): string {
  const { settings } = result;
  const rows: RowId[] = [...settings.scenarios, ...settings.probes];
  const out: string[] = [];
  out.push(`# Session Lab comparison run \`${result.id}\``);
  out.push("");
  out.push(
    `${result.startedAt} · ${result.target.label} (${result.target.baseUrl}) · ${(result.wallMs / 1000).toFixed(1)} s wall time · status **${result.status}**`,
  );
  out.push("");
  out.push(
    `Matrix lifetimes (\`X-Session-Lab-Profile: matrix\`), replays every ${settings.pollMs} ms near the event and near each credential's expiry (up to 1 s apart in between), ${settings.concurrency} cells at once, watched ${settings.marginSeconds} s past each credential's own expiry. ${countsText(result)}.`,
  );
  if (result.error) out.push("", `> ${md(result.error)}`);
  out.push("", "## Matrix", "");
  out.push(`| | ${settings.variants.map((v) => `\`${v}\``).join(" | ")} |`);
  out.push(`|---|${settings.variants.map(() => "---").join("|")}|`);
  for (const row of rows) {
    out.push(`| ${rowLabel(row)} | ${settings.variants.map((v) => md(cellLabel(findCell(result, v, row)))).join(" | ")} |`);
  }
  out.push("");
  out.push(
    `${VERDICT_MARK.match} as the catalog expects · ${VERDICT_MARK.mismatch} contradicts it · ${VERDICT_MARK.inconclusive} inconclusive · ${VERDICT_MARK.error} not measured · ${VERDICT_MARK["n/a"]} does not apply. Times are seconds after the event until the credential was refused (or the data fresh), bounded by the first refusal's answer.`,
  );

  out.push("", "## Per-request cost", "");
  out.push(
    "| variant | lookups per check (catalog) | check median / p99 (quiet) | check median under the matrix's load | credential bytes | refresh |",
  );
  out.push("|---|---|---|---|---|---|");
  for (const c of result.costs) {
    const lookups =
      c.lookups.min === null ? "–" : c.lookups.min === c.lookups.max ? `${c.lookups.min}` : `${c.lookups.min}–${c.lookups.max}`;
    const ms = (v: number | null) => (v === null ? "–" : v.toFixed(2));
    out.push(
      `| \`${c.variant}\` | ${lookups} (${c.expectedLookups}) | ${ms(c.checkMs.median)} / ${ms(c.checkMs.p99)} ms (n=${c.checkMs.count}) | ${ms(c.loadedCheckMs.median)} ms | ${c.credentialBytes.median ?? "–"} | ${c.refresh ? `${c.refresh.count}× · ${c.refresh.lookups} lookups · ${ms(c.refresh.ms.median)} ms` : "–"} |`,
    );
  }
  const effects = mitigationEffects(result);
  if (effects.length > 0) {
    out.push("", "### What each mitigation buys, and what it costs", "");
    for (const e of effects) {
      const closes = e.closes.length ? e.closes.map((s) => SCENARIOS[s].label.toLowerCase()).join(", ") : "nothing at once";
      out.push(
        `- \`${e.variant}\` (over \`${e.base}\`): closes ${closes}; lookups per check ${e.lookups[0] ?? "–"} → ${e.lookups[1] ?? "–"}${e.refreshLookups !== null ? ` (plus ${e.refreshLookups} per refresh)` : ""}; median check ${e.checkMs[0]?.toFixed(2) ?? "–"} → ${e.checkMs[1]?.toFixed(2) ?? "–"} ms.`,
      );
    }
  }

  out.push("", "## Claims", "");
  for (const c of claims(result)) {
    out.push(`- **${c.claim}** — ${c.verdict}. ${md(c.finding)}`);
    for (const e of c.evidence) out.push(`  - ${md(e)}`);
  }

  out.push("", "## What to pick", "");
  for (const p of whatToPick(result)) out.push(`- **${p.need}:** ${md(p.answer)}`);

  out.push("", "## Cells", "");
  for (const v of settings.variants) {
    out.push(`### \`${v}\` — ${VARIANTS[v].label}`, "");
    for (const row of rows) {
      const c = findCell(result, v, row);
      if (!c) continue;
      out.push(`- ${VERDICT_MARK[c.verdict]} **${rowLabel(row)}**: ${md(c.summary)}`);
      if (c.verdict !== "n/a") {
        out.push(`  - expected: ${md(c.expected.text)} — ${md(c.explanation)}`);
        out.push(`  - in production: ${md(c.production)}`);
        if (c.event) out.push(`  - event: \`${c.event.request}\` → ${c.event.status}${c.event.code ? ` ${c.event.code}` : ""}`);
      }
      if (c.problem) out.push(`  - **${c.verdict === "mismatch" ? "contradiction" : "problem"}:** ${md(c.problem)}`);
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
