import type { StrategyId } from "@/lib/strategies";

/** Lifetimes in seconds. `idle` only applies where the strategy can slide an expiry. */
export interface StrategyTtl {
  /** Sliding idle timeout (stateful) or token/seal lifetime (stateless). */
  ttl: number;
  /** Hard upper bound on a session's life, however active (stateful only). */
  absolute?: number;
}

export type TtlProfile = Record<StrategyId, StrategyTtl>;

const DAY = 24 * 3600;

export const TTL_PROFILES = {
  // What each approach typically ships with.
  production: {
    stateful: { ttl: 7 * DAY, absolute: 30 * DAY },
    cookie: { ttl: 14 * DAY }, // iron-session's default
    jwt: { ttl: 15 * 60 }, // a typical short-lived access token
    nextauth: { ttl: 30 * DAY }, // Auth.js's default session maxAge
  },
  // Short lifetimes so expiry can be watched in a demo or a test run.
  lab: {
    stateful: { ttl: 120, absolute: 600 },
    cookie: { ttl: 300 },
    jwt: { ttl: 60 },
    nextauth: { ttl: 300 },
  },
} as const satisfies Record<string, TtlProfile>;

export type TtlProfileName = keyof typeof TTL_PROFILES;
