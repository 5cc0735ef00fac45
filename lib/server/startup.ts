import { markInterruptedRuns, purgeExpiredLeases } from "@/lib/server/data/compare";
import { applyMigrations } from "@/lib/server/db/migrate";
import { deleteExpiredSessions } from "@/lib/server/data/sessions";
import { purgeHandoffRows } from "@/lib/server/data/handoff";
import { seedDemoUsers } from "@/lib/server/demo-data";
import { loadEnv } from "@/lib/server/env";
import { newPasswordProblem } from "@/lib/server/passwords";
import { strategies } from "@/lib/server/strategies";
import { startInvalidationListener } from "@/lib/server/invalidation";
import { checkRedisAtStart } from "@/lib/server/redis";
import { purgeExpiredStoreRows } from "@/lib/server/stores";

/** Start-up work, shared by instrumentation.ts and the scripts. Fails fast with a readable message. */
export async function prepareServer(): Promise<void> {
  try {
    await prepare();
  } catch (error) {
    // A server that cannot reach a migrated database or lacks secrets must not
    // start half-working: say why and stop.
    console.error(`\n[session-lab] cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

async function prepare(): Promise<void> {
  const env = loadEnv();
  // Redis first: with REDIS_URL set, an unreachable Redis stops start-up rather than serving half the variants.
  await checkRedisAtStart();
  await applyMigrations(env.DATABASE_URL);
  // Only in the demo, or with an explicitly set strong DEMO_PASSWORD: never a default admin in production.
  const refused = await seedPasswordProblem(env);
  if (refused) throw new Error(refused);
  const seeded = env.seedPassword === null ? 0 : await seedDemoUsers(env.seedPassword);
  // Housekeeping: validate() removes expired rows it meets; this removes the ones nobody came back for,
  // now and then every PURGE_INTERVAL_MS.
  await purgeExpiredRows(new Date());
  startPeriodicPurge();
  // Comparison runs' accounts whose run never came back, and runs a stopped process left "running"
  // (older than any run may last, so another instance's live run is left alone).
  await purgeExpiredLeases(new Date());
  await markInterruptedRuns(new Date(Date.now() - 10 * 60_000));
  strategies(); // import keys once, now, rather than on the first request
  startInvalidationListener();
  console.log(
    `[session-lab] ready: ${env.DATABASE_URL.startsWith("file:") ? "SQLite" : "PostgreSQL"}, profile ${env.SESSION_PROFILE}` +
      (env.demo ? ", demo secrets" : "") +
      (seeded ? `, seeded ${seeded} demo users` : "") +
      `; handoff ${env.HANDOFF_ORIGIN_A} → ${env.HANDOFF_ORIGIN_B}` +
      (env.REDIS_URL ? `; Redis stores and invalidation (prefix ${env.REDIS_PREFIX})` : "") +
      (env.SESSION_LAB_INSTANCE ? `; instance ${env.SESSION_LAB_INSTANCE}` : ""),
  );
}

/**
 * Outside the demo, the demo accounts (an admin among them) are real accounts: their DEMO_PASSWORD must pass
 * the same common-password check as any new password (env.ts has already checked its length and the default).
 */
export async function seedPasswordProblem(env: { demo: boolean; seedPassword: string | null }): Promise<string | null> {
  if (env.demo || env.seedPassword === null) return null;
  const problem = await newPasswordProblem(env.seedPassword);
  return problem ? `DEMO_PASSWORD is refused outside the demo: ${problem} Unset it to seed no demo accounts.` : null;
}

/** How often a running server deletes expired sessions, store rows and handoff rows. */
export const PURGE_INTERVAL_MS = 10 * 60_000;

/** Expired stateful sessions, denylist entries, refresh families and handoff rows. */
export async function purgeExpiredRows(now: Date): Promise<number> {
  const [sessions, stores, handoff] = await Promise.all([deleteExpiredSessions(now), purgeExpiredStoreRows(now), purgeHandoffRows(now)]);
  return sessions + stores.deniedTokens + stores.refreshFamilies + handoff;
}

const purgeHolder = globalThis as typeof globalThis & { __sessionLabPurge?: ReturnType<typeof setInterval> };

/**
 * Purges expired rows every `intervalMs`, so a long-running server's tables do
 * not grow with sessions nobody comes back for. Once per process; unref'd, so
 * it never keeps the process alive. A failed purge is logged and retried next time.
 */
export function startPeriodicPurge(intervalMs = PURGE_INTERVAL_MS): ReturnType<typeof setInterval> {
  purgeHolder.__sessionLabPurge ??= setInterval(() => {
    purgeExpiredRows(new Date()).catch((error: unknown) => {
      console.error(`[session-lab] purge of expired rows failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }, intervalMs).unref();
  return purgeHolder.__sessionLabPurge;
}

/** Stops the periodic purge (tests). */
export function stopPeriodicPurge(): void {
  clearInterval(purgeHolder.__sessionLabPurge);
  delete purgeHolder.__sessionLabPurge;
}
