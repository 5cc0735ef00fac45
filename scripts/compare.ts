// npm run compare -- [URL] [options]: the comparison matrix against a running
// Session Lab (default http://localhost:3000), with the same engine as the
// /compare page (lib/compare/engine.ts). Progress goes to stderr; the result
// to stdout as a table, or as JSON / Markdown / CSV. Exit status: 0 when every
// cell agrees with the catalog, 1 when an observation contradicts its
// expectation, 2 when something could not be measured (or bad usage).
import { randomBytes } from "node:crypto";
import { httpAccountSource, LeaseRefusedError } from "../lib/compare/accounts";
import type { Target } from "../lib/compare/client";
import { handoffTargets } from "../lib/compare/cross-domain";
import { runMatrix } from "../lib/compare/engine";
import { exportRun, rowLabel } from "../lib/compare/export";
import { cellLabel, claims, countsText, findCell, whatToPick } from "../lib/compare/report";
import { DEFAULT_SETTINGS, parseRunSettings, PROBE_IDS, SETTING_BOUNDS, type RowId } from "../lib/compare/settings";
import type { RunEvent, RunResult } from "../lib/compare/types";
import { SCENARIO_IDS } from "../lib/catalog/scenarios";
import { VARIANT_IDS } from "../lib/catalog/variants";
import { HANDOFF_ROUTES } from "../lib/handoff";
import { SECONDARY_TARGET } from "../lib/compare/scenarios";
import { INSTANCE_HEADER, TARGET_HEADER } from "../lib/catalog/cluster";

/** Which instance answers when the front is asked for a and for b; an error sentence when they are not two distinct instances. */
async function clusterInstances(url: string, headers: Record<string, string>): Promise<{ a: string; b: string } | string> {
  const names: Record<string, string> = {};
  for (const which of ["a", "b"]) {
    try {
      const res = await fetch(`${url}/api/compare`, {
        headers: { ...headers, [TARGET_HEADER]: which },
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      const name = res.headers.get(INSTANCE_HEADER);
      if (!name) return `${url} did not name its instance (no ${INSTANCE_HEADER} header): is it the front of npm run cluster?`;
      names[which] = name;
    } catch (e) {
      return `cannot reach ${url} (${e instanceof Error ? e.message : String(e)}).`;
    }
  }
  if (names.a === names.b) return `${TARGET_HEADER}: a and b both reached instance ${names.a}; the front does not route on the header.`;
  return { a: names.a!, b: names.b! };
}

const HELP = `Usage: npm run compare -- [URL] [options]

Runs the comparison matrix against a running Session Lab (default http://localhost:3000).

Output (stdout; progress goes to stderr):
  (default)            the matrix as a table, per-request costs, claims, what to pick
  --json               the whole result as JSON (the page's JSON export)
  --markdown, --md     the page's Markdown export
  --csv                one CSV row per cell

What to run:
  --variants a,b       variants (default all: ${VARIANT_IDS.join(", ")})
  --scenarios a,b      scenarios (default all: ${SCENARIO_IDS.join(", ")})
  --probes a,b|none    probes (default all: ${PROBE_IDS.join(", ")})
  --poll-ms N          replay interval, ms (${SETTING_BOUNDS.pollMs.min}-${SETTING_BOUNDS.pollMs.max}, default ${DEFAULT_SETTINGS.pollMs})
  --concurrency N      cells at once (${SETTING_BOUNDS.concurrency.min}-${SETTING_BOUNDS.concurrency.max}, default ${DEFAULT_SETTINGS.concurrency})
  --margin S           seconds to watch past each credential's own expiry (default ${DEFAULT_SETTINGS.marginSeconds})

Where:
  --header "Name: value"   sent with every request (repeatable); e.g. a header your load balancer
                           routes on, to aim the whole run at one instance of a cluster
  --origin URL             the Origin header of state-changing requests (default: URL's origin;
                           set it to APP_ORIGIN when the app sits behind a proxy)
  --secondary URL          a second target for scenarios that need one (e.g. another instance)
  --secondary-header "Name: value"   headers for the secondary target (repeatable)
  --cluster                the URL is the front of \`npm run cluster\`: the run goes to instance a
                           (X-Session-Lab-Target: a) and the cross-instance row replays through b

  --quiet              no progress
  -h, --help           this text

Exit status: 0 every cell as the catalog expects; 1 an observation contradicts its expectation;
2 a cell could not be measured, the run failed, or bad usage.`;

interface Cli {
  url: string;
  format: "table" | "json" | "md" | "csv";
  settings: Record<string, unknown>;
  headers: Record<string, string>;
  origin?: string;
  secondary?: string;
  secondaryHeaders: Record<string, string>;
  cluster: boolean;
  quiet: boolean;
}

class UsageError extends Error {}

function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(":");
  if (colon <= 0) throw new UsageError(`--header expects "Name: value", got ${JSON.stringify(text)}`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

function parseUrl(text: string, what: string): string {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
    return url.origin + url.pathname.replace(/\/+$/, "");
  } catch {
    throw new UsageError(`${what} must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
}

function parseArgs(argv: string[]): Cli | "help" {
  const cli: Cli = {
    url: "http://localhost:3000",
    format: "table",
    settings: {},
    headers: {},
    secondaryHeaders: {},
    cluster: false,
    quiet: false,
  };
  let urlSeen = false;
  const list = (v: string) =>
    v === "none"
      ? []
      : v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  const number = (flag: string, v: string) => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "-h":
      case "--help":
        return "help";
      case "--json":
        cli.format = "json";
        break;
      case "--md":
      case "--markdown":
        cli.format = "md";
        break;
      case "--csv":
        cli.format = "csv";
        break;
      case "--quiet":
        cli.quiet = true;
        break;
      case "--cluster":
        cli.cluster = true;
        break;
      case "--variants":
        cli.settings.variants = list(value());
        break;
      case "--scenarios":
        cli.settings.scenarios = list(value());
        break;
      case "--probes":
        cli.settings.probes = list(value());
        break;
      case "--poll-ms":
        cli.settings.pollMs = number(arg, value());
        break;
      case "--concurrency":
        cli.settings.concurrency = number(arg, value());
        break;
      case "--margin":
        cli.settings.marginSeconds = number(arg, value());
        break;
      case "--header": {
        const [k, v] = parseHeader(value());
        cli.headers[k] = v;
        break;
      }
      case "--origin":
        cli.origin = new URL(parseUrl(value(), "--origin")).origin;
        break;
      case "--secondary":
        cli.secondary = parseUrl(value(), "--secondary");
        break;
      case "--secondary-header": {
        const [k, v] = parseHeader(value());
        cli.secondaryHeaders[k] = v;
        break;
      }
      default:
        if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg} (see --help)`);
        if (urlSeen) throw new UsageError(`one URL only, got ${JSON.stringify(arg)} too`);
        cli.url = parseUrl(arg, "URL");
        urlSeen = true;
    }
  }
  return cli;
}

// ---------------------------------------------------------------------------
// Terminal output

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function render(result: RunResult): string {
  const { settings } = result;
  const rows: RowId[] = [...settings.scenarios, ...settings.probes];
  const out: string[] = [];
  out.push(
    `Session Lab comparison ${result.id} against ${result.target.baseUrl}: ${(result.wallMs / 1000).toFixed(1)} s, ${result.status}. ${countsText(result)}.`,
    "",
  );
  out.push(
    table(
      ["", ...settings.variants],
      rows.map((row) => [rowLabel(row), ...settings.variants.map((v) => cellLabel(findCell(result, v, row)))]),
    ),
  );
  out.push(
    "",
    "✓ as expected  ✗ contradicts the catalog  ? inconclusive  ! not measured  – n/a; seconds after the event until refused",
    "",
  );
  const ms = (v: number | null) => (v === null ? "–" : v.toFixed(2));
  out.push(
    table(
      ["per request", "lookups (catalog)", "check median/p99 ms", "credential bytes", "refresh"],
      result.costs.map((c) => [
        c.variant,
        `${c.lookups.min === c.lookups.max ? (c.lookups.min ?? "–") : `${c.lookups.min}–${c.lookups.max}`} (${c.expectedLookups})`,
        `${ms(c.checkMs.median)} / ${ms(c.checkMs.p99)}`,
        `${c.credentialBytes.median ?? "–"}`,
        c.refresh ? `${c.refresh.count}× ${c.refresh.lookups} lookups` : "–",
      ]),
    ),
  );
  const problems = result.cells.filter((c) => c.verdict === "mismatch" || c.verdict === "error" || c.verdict === "inconclusive");
  if (problems.length > 0) {
    out.push("", "Cells that need attention:");
    for (const c of problems) out.push(`  ${cellLabel(c)}  ${c.variant} · ${rowLabel(c.row)}: ${c.problem ?? c.summary}`);
  }
  out.push("", "Claims:");
  for (const c of claims(result)) out.push(`  ${c.claim}: ${c.verdict}. ${c.finding}`);
  out.push("", "What to pick:");
  for (const p of whatToPick(result)) out.push(`  ${p.need}: ${p.answer.replaceAll("`", "")}`);
  if (result.error) out.push("", `Run: ${result.error}`);
  return `${out.join("\n")}\n`;
}

function progress(quiet: boolean) {
  const tty = process.stderr.isTTY;
  let total = 0;
  const tally = { match: 0, mismatch: 0, other: 0 };
  return (event: RunEvent) => {
    if (quiet) return;
    switch (event.type) {
      case "run-started":
        total = event.cells.length;
        process.stderr.write(`Running ${total} cells against ${event.target.baseUrl} (matrix lifetimes)…\n`);
        break;
      case "phase":
        if (event.phase === "costs") process.stderr.write(`${tty ? "\n" : ""}Measuring per-request cost (sequential checks)…\n`);
        break;
      case "cell-finished": {
        const c = event.cell;
        if (c.verdict === "match") tally.match++;
        else if (c.verdict === "mismatch") tally.mismatch++;
        else if (c.verdict !== "n/a") tally.other++;
        const line = `[${event.done}/${event.total}] ${cellLabel(c)}  ${c.variant} · ${rowLabel(c.row)}`;
        if (tty) process.stderr.write(`\r\x1b[2K${line}   (✓ ${tally.match}  ✗ ${tally.mismatch}  ! ${tally.other})`);
        else process.stderr.write(`${line}\n`);
        break;
      }
      case "run-finished":
        if (tty) process.stderr.write("\n");
        break;
    }
  };
}

async function main(): Promise<number> {
  let cli: Cli | "help";
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`compare: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (cli === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const parsed = parseRunSettings(cli.settings);
  if (!parsed.ok) {
    process.stderr.write(`compare: ${parsed.error} (${parsed.code})\n`);
    return 2;
  }
  if (cli.cluster) {
    if (cli.secondary) {
      process.stderr.write("compare: --cluster and --secondary are exclusive (--cluster addresses instance b itself).\n");
      return 2;
    }
    const instances = await clusterInstances(cli.url, cli.headers);
    if (typeof instances === "string") {
      process.stderr.write(`compare: --cluster: ${instances}\n`);
      return 2;
    }
    cli.headers[TARGET_HEADER] = "a";
    cli.secondary = cli.url;
    cli.secondaryHeaders = { ...cli.headers, ...cli.secondaryHeaders, [TARGET_HEADER]: "b" };
    if (!cli.quiet) process.stderr.write(`Cluster: instance ${instances.a} (A) and instance ${instances.b} (B) behind ${cli.url}\n`);
  }
  const target: Target = { baseUrl: cli.url, headers: cli.headers, ...(cli.origin ? { origin: cli.origin } : {}) };
  const targets: Record<string, Target> = cli.secondary
    ? { [SECONDARY_TARGET]: { baseUrl: cli.secondary, headers: cli.secondaryHeaders, ...(cli.origin ? { origin: cli.origin } : {}) } }
    : {};

  // Is there a Session Lab that takes runs?
  try {
    const res = await fetch(`${cli.url}/api/compare`, {
      headers: { Accept: "application/json", ...cli.headers },
      signal: AbortSignal.timeout(10_000),
    });
    const info = (await res.json().catch(() => null)) as { enabled?: boolean; activeRun?: { since: string } | null } | null;
    if (res.status !== 200 || !info) {
      process.stderr.write(`compare: ${cli.url}/api/compare answered ${res.status}; is this a Session Lab with the comparison lab?\n`);
      return 2;
    }
    if (!info.enabled) {
      process.stderr.write("compare: comparison runs are off on that server (start it in demo mode, or set SESSION_LAB_COMPARE=1).\n");
      return 2;
    }
  } catch (e) {
    process.stderr.write(
      `compare: cannot reach ${cli.url} (${e instanceof Error ? e.message : String(e)}). Start the app first (npm run demo).\n`,
    );
    return 2;
  }

  // The app's two origins, for the cross-domain rows (an app without them leaves those rows n/a).
  try {
    const res = await fetch(`${cli.url}${HANDOFF_ROUTES.origins}`, {
      headers: { Accept: "application/json", ...cli.headers },
      signal: AbortSignal.timeout(10_000),
    });
    const origins = (await res.json().catch(() => null)) as { a?: unknown; b?: unknown } | null;
    if (res.status === 200 && typeof origins?.a === "string" && typeof origins.b === "string") {
      Object.assign(targets, handoffTargets({ a: origins.a, b: origins.b }, cli.headers));
    }
  } catch {
    // unreachable: the cross-domain cells say so (n/a)
  }

  const stop = new AbortController();
  const onSignal = () => {
    process.stderr.write("\nStopping: deleting the run's accounts…\n");
    stop.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let result: RunResult;
  try {
    result = await runMatrix({
      id: `cli_${randomBytes(6).toString("hex")}`,
      source: "cli",
      settings: parsed.settings,
      target,
      targets,
      label: cli.url,
      accounts: httpAccountSource(target),
      onEvent: progress(cli.quiet),
      signal: stop.signal,
    });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  if (result.status !== "done" && result.cells.length === 0 && result.error) {
    const refused = result.error;
    process.stderr.write(`compare: ${refused}\n`);
    return 2;
  }
  process.stdout.write(cli.format === "table" ? render(result) : exportRun(result, cli.format));
  if (result.counts.mismatch > 0) return 1;
  if (result.status !== "done" || result.counts.error > 0 || result.counts.inconclusive > 0) return 2;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof LeaseRefusedError) process.stderr.write(`compare: ${error.message}${error.code ? ` (${error.code})` : ""}\n`);
    else process.stderr.write(`compare: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
