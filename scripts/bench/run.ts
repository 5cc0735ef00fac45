// npm run bench [-- --quick | --smoke]: in one run, for every variant of the
// catalog, (1) the in-process cost of a session check next to the floor of
// its library chain, (2) the protected route's throughput next to the
// unauthenticated path of the same route on the same server, (3) the server's
// RSS under that load and (4) the wall time of a full comparison matrix.
// Results go to stdout and to bench-results/ (git-ignored: they describe this
// machine); /compare shows the latest. The last line is the summary:
//   protected/baseline: min NN% (variant)
// Counts: --quick (a minute or two), --smoke (seconds: checks that every row
// is measured, never how fast; `npm test` runs it), or BENCH_* variables.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { VARIANT_IDS } from "@/lib/catalog/variants";
import { FLOOR_GOAL, floorVerdicts, THROUGHPUT_GOAL, throughputVerdicts } from "@/lib/bench/verdicts";
import { BENCH_RESULTS_DIR, LATEST_BENCH_FILE, type BenchReport } from "@/lib/server/bench-results";
import { applyMigrations } from "@/lib/server/db/migrate";
import { disconnectDb } from "@/lib/server/db/client";
import { resetDemoData } from "@/lib/server/demo-data";
import { benchHttp } from "./http";
import { benchInProcess, FLOOR_LABELS, type FloorId } from "./in-process";
import { BENCH_PASSWORD, buildId, gitCommit, loadAverage, machineFacts } from "./stats";

type Mode = "full" | "quick" | "smoke";
const argv = process.argv.slice(2);
if (argv.includes("-h") || argv.includes("--help")) {
  console.log(`Usage: npm run bench [-- --quick | --smoke]

  (default)  3000 checks per variant, 5 paired rounds of 3 s per path, the full matrix (about 7 min on 2 cores)
  --quick    1000 checks, 3 paired rounds of 2 s, the full matrix
  --smoke    tiny counts and a one-cell matrix: checks that every row is measured (npm test runs it)

Environment: BENCH_ITERATIONS, BENCH_ROUNDS, BENCH_DURATION (s), BENCH_CONNECTIONS, BENCH_PORT (default 3200),
BENCH_DATABASE_URL (default file:./data/bench.db; its demo data is reset: use a scratch database). Needs a production build
(npm run build).`);
  process.exit(0);
}
const unknown = argv.filter((a) => !["--quick", "--smoke"].includes(a));
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown.join(" ")}; see npm run bench -- --help`);
  process.exit(2);
}
const mode: Mode = argv.includes("--smoke") ? "smoke" : argv.includes("--quick") ? "quick" : "full";
const PRESETS = {
  full: { iterations: 3000, rounds: 5, duration: 3 },
  quick: { iterations: 1000, rounds: 3, duration: 2 },
  smoke: { iterations: 50, rounds: 1, duration: 1 },
} as const;
const num = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
    process.exit(2);
  }
  return n;
};
const preset = PRESETS[mode];
const iterations = Math.round(num("BENCH_ITERATIONS", preset.iterations));
const rounds = Math.round(num("BENCH_ROUNDS", preset.rounds));
const duration = num("BENCH_DURATION", preset.duration);
const connections = Math.round(num("BENCH_CONNECTIONS", 20));
const port = Math.round(num("BENCH_PORT", 3200));
const databaseUrl = process.env.BENCH_DATABASE_URL || "file:./data/bench.db";
// The in-process part reads DATABASE_URL through the app's own client; the server gets its own file.
process.env.DATABASE_URL = databaseUrl;
const serverDatabaseUrl = databaseUrl.startsWith("file:") ? databaseUrl.replace(/(\.db)?$/, "-http.db") : databaseUrl;

const build = buildId();
if (!build) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}

const progress = (text: string) => {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  ${text}`);
  else console.error(`  ${text}`);
};
const clearProgress = () => process.stderr.isTTY && process.stderr.write("\r\x1b[K");
const us = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
const pct = (r: number) => `${Math.round(r * 100)}%`;

const startedAt = new Date();
const loadBefore = loadAverage();
const facts = machineFacts();
console.log(
  `Session Lab bench (${mode}): ${facts.cores} cores (${facts.cpuModel}), Node ${facts.node}, load average ${loadBefore} at start`,
);

await applyMigrations(databaseUrl, { log: () => {} });
await resetDemoData(BENCH_PASSWORD);
const inProcess = await benchInProcess({ iterations, warmup: Math.min(200, iterations) }, databaseUrl, progress);
await disconnectDb();
clearProgress();

console.log(`\n1. In-process check, ${iterations} sequential checks per variant (µs), database ${inProcess.database}`);
console.table(
  inProcess.variants.map((r) => ({
    variant: r.variant,
    median: us(r.check.medianUs),
    p99: us(r.check.p99Us),
    "caches evicted": us(r.coldCheck.medianUs),
    "floor (library chain)": `${us(r.floorUs)} = ${r.floorChain.join(" + ")}`,
    "× floor": r.ratioToFloor.toFixed(2),
    "floor, raw driver": us(r.driverFloorUs),
    "credential bytes": r.credentialBytes,
  })),
);
const overFloor = floorVerdicts({ inProcess: inProcess.variants, floors: inProcess.floors, http: [] });
console.log(
  `"caches evicted": the median of checks each run after sweeping 16 MiB of memory and a turn of the event loop, as a check in a server runs after the framework's own work.` +
    (overFloor.length === 0
      ? `\nEvery check is within ${FLOOR_GOAL}× its floor.`
      : `\nOver ${FLOOR_GOAL}× the floor:\n${overFloor.map((v) => `  ${v.variant} (${v.ratioToFloor.toFixed(2)}×): ${v.reason}`).join("\n")}`),
);
console.log("Floors, measured in this run (µs):");
console.table(
  (Object.keys(inProcess.floors) as FloorId[]).map((id) => ({
    floor: id,
    median: us(inProcess.floors[id].medianUs),
    p99: us(inProcess.floors[id].p99Us),
    what: FLOOR_LABELS[id],
  })),
);

const matrixArgs = mode === "smoke" ? ["--variants", "stateful", "--scenarios", "sign-out", "--probes", "none"] : [];
const http = await benchHttp({
  port,
  databaseUrl: serverDatabaseUrl,
  connections,
  durationSeconds: duration,
  rounds,
  timingSamples: mode === "smoke" ? 20 : 300,
  matrixArgs,
  onProgress: progress,
});
clearProgress();
const loadAfter = loadAverage();

console.log(
  `\n2. GET /api/{v}/check: signed in vs. the same route without a credential (401), autocannon -c ${connections}, ${rounds} paired rounds × ${duration} s per path; ${http.pinning}.` +
    `\n   protected/baseline is the median of the rounds' ratios of requests per second of the server's CPU time (its throughput on a core of its own); the wall-clock ratio is shown beside it.`,
);
console.table(
  http.rows.map((r) => ({
    variant: r.variant,
    "req/s signed in / baseline": `${Math.round(r.protected.reqPerSec)} / ${Math.round(r.baseline.reqPerSec)}`,
    "req per server CPU-s signed in / baseline": `${Math.round(r.protected.reqPerCpuSecond)} / ${Math.round(r.baseline.reqPerCpuSecond)}`,
    "protected/baseline": pct(r.ratio),
    "(wall clock)": pct(r.wallRatio),
    "p99 ms signed in": r.protected.latencyP99Ms,
    "check in server µs (Server-Timing median)": us(r.serverCheck.medianUs),
    "in process µs, hot / caches evicted": (() => {
      const ip = inProcess.variants.find((v) => v.variant === r.variant)!;
      return `${us(ip.check.medianUs)} / ${us(ip.coldCheck.medianUs)}`;
    })(),
    lookups: r.lookups,
    "RSS peak MB": r.rssPeakMb,
  })),
);
const verdictInput = { inProcess: inProcess.variants, floors: inProcess.floors, http: http.rows };
const below = throughputVerdicts(verdictInput);
console.log(
  "   A check in the server runs after the framework's own request handling, with the CPU's caches full of other code: compare it with the in-process check after a cache eviction, not with the hot loop.",
);
if (below.length > 0)
  console.log(
    `   Under ${Math.round(THROUGHPUT_GOAL * 100)}%:\n${below.map((v) => `   - ${v.variant} (${pct(v.ratio)}): ${v.reason}`).join("\n")}`,
  );
console.log(`3. Server RSS: ${http.rssMb.idle} MB idle, ${http.rssMb.peak} MB peak under load (target < 300 MB)`);
console.log(
  `4. Comparison matrix${matrixArgs.length ? ` (${matrixArgs.join(" ")})` : ""}: ${http.matrix.cells} cells in ${http.matrix.wallSeconds.toFixed(1)} s` +
    ` (target < 30 s)${http.matrix.exitCode === 0 ? "" : `; npm run compare exited ${http.matrix.exitCode} (see npm run compare for the contradiction)`}`,
);
console.log(`Load average: ${loadBefore} at start, ${loadAfter} at the end (other work on the machine skews every figure).`);

const worst = http.rows.reduce((a, b) => (b.ratio < a.ratio ? b : a));
const report: BenchReport = {
  version: 1,
  mode,
  measuredAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: { ...facts, loadAverage: { start: loadBefore, end: loadAfter } },
  build: { id: build, commit: gitCommit() },
  database: inProcess.database,
  counts: { iterations, rounds, durationSeconds: duration, connections },
  inProcess,
  http,
  summary: {
    minRatio: worst.ratio,
    variant: worst.variant,
    belowGoal: below.map(({ variant, ratio, cause, reason }) => ({ variant, ratio, cause, reason })),
    overFloor: floorVerdicts(verdictInput).map(({ variant, ratioToFloor, reason }) => ({ variant, ratioToFloor, reason })),
  },
};

// Every row measured, with a real number: what the smoke run in `npm test` asserts (never how fast).
const problems: string[] = [];
const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v > 0;
for (const id of VARIANT_IDS) {
  const ip = inProcess.variants.find((r) => r.variant === id);
  if (!ip || !finite(ip.check.medianUs) || !finite(ip.coldCheck.medianUs) || !finite(ip.floorUs))
    problems.push(`${id}: no in-process figure`);
  const h = http.rows.find((r) => r.variant === id);
  if (!h || ![h.protected.reqPerSec, h.baseline.reqPerSec, h.ratio, h.serverCheck.medianUs].every(finite))
    problems.push(`${id}: no throughput figure`);
}
for (const [id, d] of Object.entries(inProcess.floors)) if (!finite(d.medianUs)) problems.push(`floor ${id}: not measured`);
if (!finite(http.rssMb.peak)) problems.push("server RSS: not measured");
if (!finite(http.matrix.wallSeconds) || http.matrix.cells === 0) problems.push("comparison matrix: no cells measured");

mkdirSync(BENCH_RESULTS_DIR, { recursive: true });
const file = path.join(BENCH_RESULTS_DIR, `bench-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
const json = JSON.stringify(report, null, 2) + "\n";
writeFileSync(file, json);
if (mode !== "smoke") writeFileSync(LATEST_BENCH_FILE, json);
console.log(`Written to ${file}${mode !== "smoke" ? ` and ${LATEST_BENCH_FILE} (shown on /compare)` : ""}`);
if (problems.length > 0) {
  console.error(`Not every row was measured:\n  ${problems.join("\n  ")}`);
  process.exitCode = 1;
}
// The summary line names every variant under the goal with its measured cause (details above and in the JSON).
const causes = below.map((v) =>
  v.cause === "library"
    ? `${v.variant} ${pct(v.ratio)} (library floor ${us(v.floorUs)} µs > ${us(v.budgetUs)} µs budget${v.remedy ? `; ${v.remedy.variant} ${pct(v.remedy.ratio)}` : ""})`
    : `${v.variant} ${pct(v.ratio)} (ours to fix)`,
);
console.log(
  `protected/baseline: min ${Math.round(worst.ratio * 100)}% (${worst.variant})${causes.length ? `; below 85%: ${causes.join(", ")}` : ""}`,
);
process.exit();
