import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";
import type { PhaseTiming } from "@/lib/catalog/server-timing";

// Counts the store lookups a piece of work makes (the session check, a
// refresh) without passing a counter through every call: the database driver
// adapter (lib/server/db/counting-adapter.ts) and, later, the Redis client
// report each command to the counter of the AsyncLocalStorage scope they run in.
// Outside a scope, reporting is one getStore() call.

type Counter = PhaseTiming;

// One per process, on globalThis like the database client: Next.js bundles this
// module into several chunks (instrumentation, each route), and the client
// created by one must report to the scope opened by another.
const holder = globalThis as typeof globalThis & { sessionLabLookupScope?: AsyncLocalStorage<Counter> };
const scope = (holder.sessionLabLookupScope ??= new AsyncLocalStorage<Counter>());

/** Runs `work` in a counting scope; returns its result and what it cost. */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; timing: PhaseTiming }> {
  const counter: Counter = { durationMs: 0, db: { count: 0, durationMs: 0 }, redis: { count: 0, durationMs: 0 } };
  const start = performance.now();
  // Awaited inside the scope: a lazy thenable (a Prisma query) starts when awaited, and must start in here.
  const result = await scope.run(counter, async () => await work());
  counter.durationMs = performance.now() - start;
  return { result, timing: counter };
}

/**
 * Times one store command and counts it in the current scope, if any. The
 * hook for store clients: the database adapter calls it for every query; a
 * Redis store wraps its commands in it with kind "redis".
 */
export async function countLookup<T>(kind: "db" | "redis", command: () => Promise<T>): Promise<T> {
  const counter = scope.getStore();
  if (!counter) return command();
  const start = performance.now();
  try {
    return await command();
  } finally {
    counter[kind].count += 1;
    counter[kind].durationMs += performance.now() - start;
  }
}
