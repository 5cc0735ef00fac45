// HTTP-level cost: GET /api/{s}/check (the bare session check) against a
// production server started here, signed in vs. not (the 401 path does
// everything but verify a credential), so the difference is what a session
// check costs inside a real request.
// Bounded: a fixed number of requests to 127.0.0.1 only, then the server is stopped.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { STRATEGY_IDS, type StrategyId } from "@/lib/strategies";

const PORT = Number(process.env.BENCH_PORT ?? 3200);
const BASE = `http://127.0.0.1:${PORT}`;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
const ROUNDS = 3;
const PASSWORD = "lab-demo-password";

function medianBy<T extends { usPerRequest: number }>(rounds: T[]): T {
  return [...rounds].sort((a, b) => a.usPerRequest - b.usPerRequest)[Math.floor(rounds.length / 2)]!;
}

if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npm run build` first.");
  process.exit(1);
}

const server = spawn("npx", ["next", "start", "-p", String(PORT), "-H", "127.0.0.1"], {
  env: {
    ...process.env,
    NODE_ENV: "production",
    SESSION_LAB_DEMO: "1",
    DEMO_PASSWORD: PASSWORD,
    DATABASE_URL: process.env.DATABASE_URL ?? "file:./data/bench-http.db",
    NEXT_TELEMETRY_DISABLED: "1",
  },
  stdio: ["ignore", "pipe", "inherit"],
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

async function waitForServer() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${BASE}/api/stateful/me`)).status === 401) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("server did not start within 60 s");
}

async function credentialHeaders(strategy: StrategyId): Promise<Record<string, string>> {
  const res = await fetch(`${BASE}/api/${strategy}/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "alice@example.com", password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`${strategy}: sign-in answered ${res.status}`);
  const body = (await res.json()) as { token?: string };
  if (body.token) return { authorization: `Bearer ${body.token}` };
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { cookie };
}

async function load(strategy: StrategyId, headers: Record<string, string>, expected: number) {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        const t = performance.now();
        const res = await fetch(`${BASE}/api/${strategy}/check`, { headers });
        await res.arrayBuffer();
        if (res.status !== expected) throw new Error(`${strategy}: expected ${expected}, got ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  return { reqPerSec: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), usPerRequest: (seconds * 1e6) / latencies.length };
}

try {
  await waitForServer();
  console.log(
    `GET /api/{s}/check, median of ${ROUNDS} rounds of ${REQUESTS} requests, concurrency ${CONCURRENCY}, server on this machine (${BASE})`,
  );
  const rows = [];
  for (const strategy of STRATEGY_IDS) {
    const headers = await credentialHeaders(strategy);
    await load(strategy, headers, 200); // warm-up, both paths
    await load(strategy, {}, 401);
    // Alternate the two paths and keep the median round of each, to damp noise.
    const anonRounds = [];
    const authedRounds = [];
    for (let round = 0; round < ROUNDS; round++) {
      anonRounds.push(await load(strategy, {}, 401));
      authedRounds.push(await load(strategy, headers, 200));
    }
    rows.push({ strategy, anon: medianBy(anonRounds), authed: medianBy(authedRounds) });
    if (process.stdout.isTTY) process.stdout.write(`\r  measured ${strategy}   `);
  }
  if (process.stdout.isTTY) process.stdout.write(`\r${" ".repeat(70)}\r`);
  console.table(
    rows.map(({ strategy, anon, authed }) => ({
      strategy,
      "req/s signed in": Math.round(authed.reqPerSec),
      "p50 ms": authed.p50.toFixed(2),
      "p99 ms": authed.p99.toFixed(2),
      "req/s 401 path": Math.round(anon.reqPerSec),
      "µs the check adds": Math.round(authed.usPerRequest - anon.usPerRequest),
    })),
  );
  console.log("The load generator shares the 2 cores with the server: compare rows, not absolute numbers.");
  mkdirSync("bench-results", { recursive: true });
  writeFileSync(
    "bench-results/http.json",
    JSON.stringify({ measuredAt: new Date().toISOString(), requests: REQUESTS, concurrency: CONCURRENCY, rows }, null, 2) + "\n",
  );
  console.log("Written to bench-results/http.json");
} finally {
  stop();
}
process.exit(0);
