// npm run bench: what one session check costs per strategy, measured here and now.
// Each strategy validates the credential of a real sign-in against a real
// database (SQLite by default; DATABASE_URL may point at PostgreSQL), the
// same code path a request takes, without HTTP. Results go to stdout and to
// bench-results/session-check.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { applyMigrations } from "@/lib/server/db/migrate";
import { databaseProvider, disconnectDb } from "@/lib/server/db/client";
import { resetDemoData } from "@/lib/server/demo-data";
import { generateSecret } from "@/lib/server/env";
import { memoryContext, type CredentialContext } from "@/lib/server/http/credential-context";
import { getSessionClaims } from "@/lib/server/data/users";
import { createCookieStrategy } from "@/lib/server/strategies/cookie";
import { createJwtStrategy } from "@/lib/server/strategies/jwt";
import { createNextAuthStrategy } from "@/lib/server/strategies/nextauth";
import { createStatefulStrategy } from "@/lib/server/strategies/stateful";
import { systemClock, type SessionStrategy } from "@/lib/server/strategies/types";
import { TTL_PROFILES } from "@/lib/catalog/lifetimes";

const DATABASE_URL = (process.env.DATABASE_URL ??= "file:./data/bench.db");
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const ROUNDS = 5;
const PASSWORD = "bench-password-123";

const ttl = TTL_PROFILES.production;
const clock = systemClock;
const strategies: SessionStrategy[] = [
  createStatefulStrategy({ clock, idleSeconds: ttl.stateful.ttl, absoluteSeconds: ttl.stateful.absolute, verifyCredentials }),
  createCookieStrategy({ clock, ttlSeconds: ttl.cookie.ttl, password: generateSecret(), verifyCredentials }),
  createJwtStrategy({ clock, ttlSeconds: ttl.jwt.ttl, secret: generateSecret(), verifyCredentials }),
  createNextAuthStrategy({ ttlSeconds: ttl.nextauth.ttl, secret: generateSecret(), verifyCredentials, loadClaims: getSessionClaims }),
];

async function signedInContext(strategy: SessionStrategy): Promise<CredentialContext> {
  const login = memoryContext();
  const result = await strategy.signIn({ email: "alice@example.com", password: PASSWORD }, login);
  if (!result.ok) throw new Error(`${strategy.id}: sign-in failed (${result.reason})`);
  const cookies = Object.fromEntries(login.jar);
  return memoryContext({ cookies, authorization: result.token ? `Bearer ${result.token}` : null });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(strategy: SessionStrategy) {
  const ctx = await signedInContext(strategy);
  for (let i = 0; i < 200; i++) await strategy.validate(ctx); // warm-up (JIT, statement caches)
  const perRound: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const start = performance.now();
    for (let i = 0; i < ITERATIONS; i++) {
      const { session } = await strategy.validate(ctx);
      if (!session) throw new Error(`${strategy.id}: session rejected during the benchmark`);
    }
    perRound.push(((performance.now() - start) * 1000) / ITERATIONS);
    if (process.stdout.isTTY) process.stdout.write(`\r  ${strategy.id}: round ${r + 1}/${ROUNDS}   `);
  }
  const { session } = await strategy.validate(ctx);
  return {
    strategy: strategy.id,
    usPerCheck: median(perRound),
    minUs: Math.min(...perRound),
    maxUs: Math.max(...perRound),
    credentialBytes: session!.credentialBytes,
  };
}

await applyMigrations(DATABASE_URL, { log: () => {} });
await resetDemoData(PASSWORD);
console.log(
  `Session check cost, ${ITERATIONS} validations × ${ROUNDS} rounds per strategy, database ${databaseProvider()}, Node ${process.version}`,
);
const results = [];
for (const strategy of strategies) results.push(await measure(strategy));
if (process.stdout.isTTY) process.stdout.write(`\r${" ".repeat(70)}\r`);
console.table(
  results.map((r) => ({
    strategy: r.strategy,
    "µs per check (median)": r.usPerCheck.toFixed(1),
    "range µs": `${r.minUs.toFixed(1)}–${r.maxUs.toFixed(1)}`,
    "checks/s (one core)": Math.round(1e6 / r.usPerCheck),
    "credential bytes": r.credentialBytes,
  })),
);
mkdirSync("bench-results", { recursive: true });
writeFileSync(
  "bench-results/session-check.json",
  JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      node: process.version,
      database: databaseProvider(),
      iterations: ITERATIONS,
      rounds: ROUNDS,
      results,
    },
    null,
    2,
  ) + "\n",
);
console.log("Written to bench-results/session-check.json");
await disconnectDb();
