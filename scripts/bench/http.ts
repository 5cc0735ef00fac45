// The HTTP part of `npm run bench`: throughput of the protected route
// GET /api/{v}/check signed in, against the same route's unauthenticated path
// (401: routing, apiRoute(), proxy, JSON and headers, everything but the
// check) on the same production server. The load comes from autocannon in its
// own process; where taskset exists, the server is pinned to core 0 and the
// generator to core 1. Also: the server's RSS under load, the check time the
// server reports in Server-Timing, and the wall time of a full comparison matrix.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseServerTiming } from "@/lib/catalog/server-timing";
import { VARIANT_IDS, type VariantId } from "@/lib/catalog/variants";
import { BENCH_PASSWORD, distribution, median, type Distribution } from "./stats";

export interface HttpOptions {
  port: number;
  databaseUrl: string;
  /** autocannon connections. */
  connections: number;
  /** Seconds per autocannon run. */
  durationSeconds: number;
  /** Alternating rounds per path; the median round counts. */
  rounds: number;
  /** Sequential requests read for the Server-Timing figure. */
  timingSamples: number;
  /** Arguments for `npm run compare` (the matrix); null skips nothing, it is always measured. */
  matrixArgs: string[];
  onProgress?: (text: string) => void;
}

export interface LoadRun {
  /** Wall-clock throughput: what the load generator saw. */
  reqPerSec: number;
  /**
   * Requests per second of CPU time the server process used (all its threads):
   * the throughput it sustains on a core of its own. Other work on a shared
   * machine slows the wall clock, much less this.
   */
  reqPerCpuSecond: number;
  requests: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

export interface ThroughputRow {
  variant: VariantId;
  protected: LoadRun;
  baseline: LoadRun;
  /** protected ÷ baseline, requests per server CPU second: the median of the paired rounds' ratios. */
  ratio: number;
  /** The same from wall-clock req/s (more exposed to other work on the machine). */
  wallRatio: number;
  /** The check's own time as the server reports it (Server-Timing `session`), µs. */
  serverCheck: Distribution;
  /** Store lookups per check, from Server-Timing. */
  lookups: number;
  /** The server's peak RSS while this variant was under load, MB. */
  rssPeakMb: number;
}

export interface HttpResult {
  pinned: boolean;
  pinning: string;
  connections: number;
  durationSeconds: number;
  rounds: number;
  rows: ThroughputRow[];
  rssMb: { peak: number; idle: number };
  matrix: { wallSeconds: number; exitCode: number | null; cells: number; args: string[] };
}

const NEXT_BIN = path.join("node_modules", "next", "dist", "bin", "next");
const AUTOCANNON_BIN = path.join("node_modules", "autocannon", "autocannon.js");
const TSX_BIN = path.join("node_modules", "tsx", "dist", "cli.mjs");

function tasksetAvailable(): boolean {
  return spawnSync("taskset", ["-c", "0", "true"]).status === 0;
}

/** Runs `command` pinned to `core` when pinning is on. */
function pinned(pin: boolean, core: number, command: string, args: string[]): [string, string[]] {
  return pin ? ["taskset", ["-c", String(core), command, ...args]] : [command, args];
}

/** RSS of a process and its descendants, MB (Linux /proc; 0 elsewhere). */
export function treeRssMb(pid: number): number {
  const children = (p: number): number[] => {
    const dir = `/proc/${p}/task`;
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((t) => {
      try {
        return readFileSync(`${dir}/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  };
  let kb = 0;
  const queue = [pid];
  while (queue.length) {
    const p = queue.pop()!;
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += match ? Number(match[1]) : 0;
    } catch {
      continue;
    }
    queue.push(...children(p));
  }
  return Math.round(kb / 102.4) / 10;
}

async function waitForServer(base: string, server: ChildProcess) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode} before it was ready`);
    try {
      if ((await fetch(`${base}/api/stateful/check`)).status === 401) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server did not start within 120 s");
}

/** Signs in over HTTP (once per round, never per request) and returns the header that carries the credential. */
async function signIn(base: string, variant: VariantId): Promise<[string, string]> {
  const res = await fetch(`${base}/api/${variant}/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "alice@example.com", password: BENCH_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`${variant}: sign-in answered ${res.status}`);
  const body = (await res.json()) as { token?: string };
  if (body.token) return ["authorization", `Bearer ${body.token}`];
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return ["cookie", cookie];
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** One autocannon run in its own process; every answer must have the expected class (2xx signed in, 401 without). */
/** CPU time a process (all its threads) has used so far, seconds (Linux /proc; clock ticks of 1/CLK_TCK s). */
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;
function cpuSeconds(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function autocannon(
  serverPid: number,
  pin: boolean,
  url: string,
  opts: HttpOptions,
  header: [string, string] | null,
  expect: "2xx" | "401",
): Promise<LoadRun> {
  const args = [AUTOCANNON_BIN, "-c", String(opts.connections), "-d", String(opts.durationSeconds), "-j"];
  if (header) args.push("-H", `${header[0]}:${header[1]}`);
  args.push(url);
  const [command, argv] = pinned(pin, 1, process.execPath, args);
  return new Promise((resolve, reject) => {
    const cpuBefore = cpuSeconds(serverPid);
    const child = spawn(command, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}: ${err.trim()}`));
      const r = JSON.parse(out) as AutocannonJson;
      const wrong = expect === "2xx" ? r.non2xx : r["2xx"];
      if (r.errors > 0 || r.timeouts > 0 || wrong > 0 || r.requests.total === 0)
        return reject(
          new Error(`${url}: expected ${expect} only, got ${r["2xx"]} 2xx, ${r.non2xx} other, ${r.errors} errors, ${r.timeouts} timeouts`),
        );
      const cpu = cpuSeconds(serverPid) - cpuBefore;
      resolve({
        reqPerSec: r.requests.average,
        reqPerCpuSecond: cpu > 0 ? r.requests.total / cpu : Number.NaN,
        requests: r.requests.total,
        latencyP50Ms: r.latency.p50,
        latencyP99Ms: r.latency.p99,
      });
    });
  });
}

/** The check's time as the server itself reports it, over sequential requests. */
async function serverReportedCheck(
  url: string,
  header: [string, string],
  samples: number,
): Promise<{ check: Distribution; lookups: number }> {
  const durations: number[] = [];
  const lookups: number[] = [];
  for (let i = 0; i < samples; i++) {
    const res = await fetch(url, { headers: { [header[0]]: header[1] } });
    await res.arrayBuffer();
    const timing = parseServerTiming(res.headers.get("server-timing"));
    if (res.status !== 200 || !timing) throw new Error(`${url}: answered ${res.status} without a session Server-Timing`);
    durations.push(timing.durationMs * 1000);
    lookups.push(timing.db.count + timing.redis.count);
  }
  return { check: distribution(durations), lookups: median(lookups) };
}

/**
 * The wall time of `npm run compare` against the bench server, pinned like
 * the load generator. Its JSON goes to a file: a pipe may lose the end of a
 * large output when the CLI exits. Spawned, not run synchronously: the RSS
 * sampler keeps running, so the server's memory during the matrix counts too.
 */
async function runMatrix(pin: boolean, base: string, args: string[]): Promise<HttpResult["matrix"]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "session-lab-bench-"));
  const out = path.join(dir, "matrix.json");
  const fd = openSync(out, "w");
  try {
    const [command, argv] = pinned(pin, 1, process.execPath, [TSX_BIN, "scripts/compare.ts", base, "--json", "--quiet", ...args]);
    const started = performance.now();
    const child = spawn(command, argv, { stdio: ["ignore", fd, "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (d) => (stderr = (stderr + String(d)).slice(-2000)));
    const exitCode = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const wallSeconds = (performance.now() - started) / 1000;
    let cells = 0;
    try {
      cells = ((JSON.parse(readFileSync(out, "utf8")) as { cells?: unknown[] }).cells ?? []).length;
    } catch {
      console.error(`\nThe comparison matrix produced no result (exit ${exitCode}): ${stderr.slice(-500)}`);
    }
    return { wallSeconds, exitCode, cells, args };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

function medianRun(runs: LoadRun[]): LoadRun {
  return [...runs].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor(runs.length / 2)]!;
}

export async function benchHttp(opts: HttpOptions): Promise<HttpResult> {
  const progress = opts.onProgress ?? (() => {});
  const base = `http://127.0.0.1:${opts.port}`;
  const pin = tasksetAvailable() && os.cpus().length >= 2;
  const pinning = pin
    ? "server pinned to core 0, load generator and matrix CLI to core 1 (taskset)"
    : "not pinned (taskset or a second core is missing): server and generator share the cores";
  // The server's V8 flags as `npm start` sets them (its heap limit bounds the memory it grows to under load).
  const startScript = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts.start ?? "";
  const v8Flags = startScript.match(/--max-(old|semi)-space-size=\d+/g) ?? [];
  const [command, argv] = pinned(pin, 0, process.execPath, [...v8Flags, NEXT_BIN, "start", "-p", String(opts.port), "-H", "127.0.0.1"]);
  const server = spawn(command, argv, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      SESSION_LAB_DEMO: "1",
      DEMO_PASSWORD: BENCH_PASSWORD,
      DATABASE_URL: opts.databaseUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(opts.port),
    },
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  process.on("exit", stop);
  let peakRss = 0;
  let variantPeakRss = 0;
  const sampler = setInterval(() => {
    const rss = treeRssMb(server.pid!);
    peakRss = Math.max(peakRss, rss);
    variantPeakRss = Math.max(variantPeakRss, rss);
  }, 200);
  try {
    await waitForServer(base, server);
    const idleRss = treeRssMb(server.pid!);
    const rows: ThroughputRow[] = [];
    for (const variant of VARIANT_IDS) {
      const url = `${base}/api/${variant}/check`;
      progress(`throughput: ${variant} (warm-up)`);
      variantPeakRss = 0;
      const warmHeader = await signIn(base, variant);
      await autocannon(server.pid!, pin, url, { ...opts, durationSeconds: 1 }, warmHeader, "2xx");
      await autocannon(server.pid!, pin, url, { ...opts, durationSeconds: 1 }, null, "401");
      const protectedRuns: LoadRun[] = [];
      const baselineRuns: LoadRun[] = [];
      // Paired rounds, back to back and in alternating order, so drift in the machine's load (other work on
      // a shared machine) hits both paths alike; the ratio is the median of the rounds' own ratios.
      const ratios: number[] = [];
      const wallRatios: number[] = [];
      for (let round = 0; round < opts.rounds; round++) {
        progress(`throughput: ${variant} round ${round + 1}/${opts.rounds}`);
        const header = await signIn(base, variant);
        const runBaseline = () => autocannon(server.pid!, pin, url, opts, null, "401");
        const runProtected = () => autocannon(server.pid!, pin, url, opts, header, "2xx");
        const [b, p] = round % 2 === 0 ? [await runBaseline(), await runProtected()] : [undefined, await runProtected()];
        const baselineRun = b ?? (await runBaseline());
        baselineRuns.push(baselineRun);
        protectedRuns.push(p);
        ratios.push(p.reqPerCpuSecond / baselineRun.reqPerCpuSecond);
        wallRatios.push(p.reqPerSec / baselineRun.reqPerSec);
      }
      const reported = await serverReportedCheck(url, await signIn(base, variant), opts.timingSamples);
      const p = medianRun(protectedRuns);
      const b = medianRun(baselineRuns);
      rows.push({
        variant,
        protected: p,
        baseline: b,
        ratio: median(ratios),
        wallRatio: median(wallRatios),
        serverCheck: reported.check,
        lookups: reported.lookups,
        rssPeakMb: variantPeakRss,
      });
    }
    progress("comparison matrix");
    const matrix = await runMatrix(pin, base, opts.matrixArgs);
    return {
      pinned: pin,
      pinning,
      connections: opts.connections,
      durationSeconds: opts.durationSeconds,
      rounds: opts.rounds,
      rows,
      rssMb: { peak: peakRss, idle: idleRss },
      matrix,
    };
  } finally {
    clearInterval(sampler);
    stop();
  }
}
