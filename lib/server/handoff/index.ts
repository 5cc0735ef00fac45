import { verifyCredentials } from "@/lib/server/auth/credentials";
import * as rows from "@/lib/server/data/handoff";
import { loadEnv } from "@/lib/server/env";
import { createJwtStrategy } from "@/lib/server/strategies/jwt";
import { systemClock } from "@/lib/server/strategies/types";
import { NAIVE_TTL_SECONDS } from "@/lib/catalog/handoff";
import { TTL_PROFILES } from "@/lib/catalog/lifetimes";
import { HANDOFF_ROUTES, type HandoffOrigins } from "@/lib/handoff";
import { createBackChannel, type LogoutTarget } from "./back-channel";
import { createPartnerSessions } from "./partner-sessions";
import { createHandoffTokens } from "./tokens";

// The cross-domain handoff, built once per process from the environment
// (docs/handoff.md). Origin A is the stateful strategy's app; origin B is the
// partner app, served by this same process at another origin.

/** The naive contrast's JWT: the jwt strategy's factory with a long lifetime and an audience both origins accept. */
export const NAIVE_JWT = { issuer: "session-lab", audience: "session-lab:shared" } as const;

function build() {
  const env = loadEnv();
  const ttl = TTL_PROFILES[env.SESSION_PROFILE];
  const clock = systemClock;
  const origins: HandoffOrigins = { a: env.HANDOFF_ORIGIN_A, b: env.HANDOFF_ORIGIN_B };
  const tokens = createHandoffTokens({ secret: env.HANDOFF_SECRET, issuer: origins.a, audience: origins.b, clock });
  return {
    origins,
    clock,
    tokens,
    // B's sessions live as long as the stateful strategy's (same profile).
    partner: createPartnerSessions({ clock, idleSeconds: ttl.stateful.ttl, absoluteSeconds: ttl.stateful.absolute }),
    backChannel: createBackChannel({ tokens, endpoint: `${origins.b}${HANDOFF_ROUTES.backchannelLogout}` }),
    // One key and audience, two lifetimes: a token of either verifies with either.
    naive: {
      process: createJwtStrategy({
        clock,
        ttlSeconds: NAIVE_TTL_SECONDS[env.SESSION_PROFILE],
        secret: env.jwtSecret,
        verifyCredentials,
        ...NAIVE_JWT,
      }),
      matrix: createJwtStrategy({ clock, ttlSeconds: NAIVE_TTL_SECONDS.matrix, secret: env.jwtSecret, verifyCredentials, ...NAIVE_JWT }),
    },
    /** How long A remembers a grant: as long as a B session created from it may live. */
    grantRetentionSeconds: ttl.stateful.absolute,
  };
}

export type Handoff = ReturnType<typeof build>;
const holder = globalThis as unknown as { sessionLabHandoff?: Handoff };

export function handoff(): Handoff {
  return (holder.sessionLabHandoff ??= build());
}

/** Which side of the handoff a request's origin is: "A", "B", or null (neither configured origin). */
export function handoffSide(origin: string): "A" | "B" | null {
  const { origins } = handoff();
  return origin === origins.a ? "A" : origin === origins.b ? "B" : null;
}

// ---------------------------------------------------------------------------
// A's side of the back-channel: called where A ends sessions (routes under
// app/api/[strategy]/). They never throw: a failed delivery is logged, the
// user's request on A succeeds regardless.

/** Sessions on A ended (sign-out, one device revoked): end the B sessions their handoffs created, and only those. */
export async function endPartnerSessionsOf(sessionIds: (string | null | undefined)[], reason: string): Promise<void> {
  await guarded(reason, async () => {
    const grants = await rows.grantsOfSessions(sessionIds.filter((id): id is string => !!id));
    await notify(
      grants.map((g) => ({ sub: g.userId, sid: g.sid })),
      reason,
    );
    if (grants.length > 0) await rows.deleteGrants({ sids: grants.map((g) => g.sid) });
  });
}

/**
 * Every session of a user on A ended (revoke-all, admin revoke, disabling), or
 * all but `keepSessionId` (a password change keeps the device that made it):
 * B ends the matching sessions. With nothing kept, one logout token with `sub`
 * alone ends them all (OIDC Back-Channel Logout §2.4).
 */
export async function endPartnerSessionsOfUser(userId: string, reason: string, keepSessionId: string | null = null): Promise<void> {
  await guarded(reason, async () => {
    const grants = await rows.grantsOfUser(userId, keepSessionId);
    if (grants.length === 0) return; // this user never handed off (from those sessions): nothing to tell B
    await notify(keepSessionId ? grants.map((g) => ({ sub: userId, sid: g.sid })) : [{ sub: userId }], reason);
    await (keepSessionId ? rows.deleteGrants({ sids: grants.map((g) => g.sid) }) : rows.deleteGrants({ userId }));
  });
}

async function notify(targets: LogoutTarget[], reason: string): Promise<void> {
  await Promise.all(targets.map((target) => handoff().backChannel.send(target, reason)));
}

async function guarded(reason: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    console.error(JSON.stringify({ scope: "handoff.back-channel", level: "error", event: "not_sent", reason, error: String(error) }));
  }
}

let lastPurge = 0;
/** Purge spent jtis, old grants and ended B sessions at most once a minute (called when tokens are minted). */
export async function purgeHandoffRowsNow(force = false): Promise<void> {
  const now = handoff().clock.now();
  if (!force && now - lastPurge < 60_000) return;
  lastPurge = now;
  await rows.purgeHandoffRows(new Date(now));
}
