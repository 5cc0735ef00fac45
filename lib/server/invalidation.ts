import { z } from "zod";
import { PROCESS_NONCE, commandConnection, redisCall, redisConfigured, redisKey, subscriberConnection } from "@/lib/server/redis";
import { SessionRowCache } from "@/lib/server/session-cache";

// Revocations, announced to every instance. Every path that ends sessions or
// changes what a session may see (sign-out, revoking one device, revoking all,
// disabling, a role change, a password change, a rename, deleting accounts)
// calls announceRevocation() once, after its database write. It:
// - drops the user's rows from this process's session cache (stateful-cache);
// - with REDIS_URL: drops the user's cached state in Redis (the session-version
//   store's read-through copy) and publishes the revocation on the channel every
//   instance subscribes to, so their caches drop it too.
//
// A cache serves only while this process hears its own heartbeat through that
// channel (published every HEARTBEAT_MS): a dropped or silent subscription
// makes every read go to the database until it is back.

export type RevocationReason =
  | "sign-out"
  | "revoke-device"
  | "revoke-all"
  | "disable"
  | "role-change"
  | "password-change"
  | "name-change"
  | "account-deleted"
  | "session-cap";

export interface Revocation {
  userId: string;
  /** Only these sessions of the user (sign-out, revoking one device); absent: all of them. */
  sessionIds?: string[];
  reason: RevocationReason;
}

export const SESSION_CACHE_TTL_MS = 10_000;
export const SESSION_CACHE_MAX_ENTRIES = 10_000;
const HEARTBEAT_MS = 500;
/** A subscription silent for longer than this is treated as down. */
const HEARTBEAT_STALE_MS = 1500;

const messageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("heartbeat"), from: z.string().max(64) }),
  z.object({
    type: z.literal("revoke"),
    from: z.string().max(64),
    userId: z.string().min(1).max(200),
    sessionIds: z.array(z.string().max(200)).max(1000).optional(),
    reason: z.string().max(40),
  }),
]);

interface Listener {
  subscribed: boolean;
  lastHeartbeat: number;
  timer: NodeJS.Timeout | null;
  cache: SessionRowCache;
}

const holder = globalThis as typeof globalThis & { sessionLabInvalidation?: Listener };

function listener(): Listener {
  if (holder.sessionLabInvalidation) return holder.sessionLabInvalidation;
  const state: Listener = {
    subscribed: false,
    lastHeartbeat: -Infinity,
    timer: null,
    cache: new SessionRowCache({
      maxEntries: SESSION_CACHE_MAX_ENTRIES,
      ttlMs: SESSION_CACHE_TTL_MS,
      now: () => Date.now(),
      healthy: () => invalidationsReachUs(),
    }),
  };
  holder.sessionLabInvalidation = state;
  return state;
}

/** The process's session-row cache (the stateful-cache variant's). */
export function sessionCache(): SessionRowCache {
  return listener().cache;
}

/** Without Redis there is one process and it hears its own revocations; with Redis, only while the subscription is live. */
export function invalidationsReachUs(): boolean {
  if (!redisConfigured()) return true;
  const state = listener();
  return state.subscribed && Date.now() - state.lastHeartbeat < HEARTBEAT_STALE_MS;
}

export function channel(): string {
  return redisKey("invalidate");
}

/** Redis keys of a user's cached session state and its epoch (lib/server/stores/redis.ts reads them). */
export function userStateKeys(userId: string): { state: string; epoch: string } {
  return { state: redisKey("user", userId, "state"), epoch: redisKey("user", userId, "epoch") };
}

/** Announces a revocation (see the header). Never throws: the database write already happened; an outage is logged. */
export async function announceRevocation(revocation: Revocation): Promise<void> {
  sessionCache().evict(revocation.userId, revocation.sessionIds);
  if (!redisConfigured()) return;
  const keys = userStateKeys(revocation.userId);
  const message = JSON.stringify({ type: "revoke", from: PROCESS_NONCE, ...revocation });
  try {
    await redisCall((redis) => redis.multi().incr(keys.epoch).del(keys.state).publish(channel(), message).exec());
  } catch (error) {
    // Other instances' caches stop serving when they lose Redis too; see docs/scaling.md for the residual window.
    console.error(`[invalidation] could not announce ${revocation.reason} of user ${revocation.userId}:`, (error as Error).message);
  }
}

/** Subscribes to the channel and starts the heartbeat (once per process, at start, when REDIS_URL is set). */
export function startInvalidationListener(): void {
  if (!redisConfigured()) return;
  const state = listener();
  if (state.timer) return;
  const sub = subscriberConnection();
  const down = () => {
    if (state.subscribed) state.cache.clear();
    state.subscribed = false;
  };
  const subscribe = () => {
    sub
      .subscribe(channel())
      .then(() => {
        state.cache.clear(); // whatever was cached before may have missed revocations
        state.subscribed = true;
      })
      .catch(down);
  };
  sub.on("ready", subscribe);
  sub.on("close", down);
  sub.on("end", down);
  sub.on("reconnecting", down);
  sub.on("message", (_channel: string, raw: string) => onMessage(state, raw));
  if (sub.status === "ready") subscribe();
  state.timer = setInterval(() => {
    const pub = commandConnection();
    if (pub.status !== "ready") return;
    pub.publish(channel(), JSON.stringify({ type: "heartbeat", from: PROCESS_NONCE })).catch(() => {});
  }, HEARTBEAT_MS);
  state.timer.unref();
}

function onMessage(state: Listener, raw: string): void {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return;
  }
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.type === "heartbeat") {
    if (message.from === PROCESS_NONCE) state.lastHeartbeat = Date.now();
    return;
  }
  if (message.from !== PROCESS_NONCE) state.cache.evict(message.userId, message.sessionIds);
}
