import type { StrategyId } from "@/lib/strategies";

// Lifetimes in seconds, per TTL profile. Client-safe: the server builds its
// strategies from these, and the comparison page and runner say what a
// measured window means under the production profile.

/** Lifetimes in seconds. `absolute` only applies where the strategy can slide an expiry. */
export interface StrategyTtl {
  /** Sliding idle timeout (stateful) or token/seal lifetime (stateless). */
  ttl: number;
  /** Hard upper bound on a session's life, however active (stateful only). */
  absolute?: number;
}

/** jwt-refresh: a short access token, renewed with a rotating refresh token. */
export interface RefreshTtl {
  /** Access token lifetime. */
  access: number;
  /** A refresh token unused for this long expires (each rotation restarts it). */
  idle: number;
  /** A family (one sign-in) ends this long after sign-in, however active. */
  absolute: number;
  /** After a rotation, the spent token still yields the same successor for this long (two tabs refreshing at once). */
  grace: number;
}

export type TtlProfile = Record<StrategyId, StrategyTtl> & { refresh: RefreshTtl };

const MINUTE = 60;
const DAY = 24 * 3600;

export const TTL_PROFILES = {
  // What each approach typically ships with.
  production: {
    stateful: { ttl: 7 * DAY, absolute: 30 * DAY },
    cookie: { ttl: 14 * DAY }, // iron-session's default
    jwt: { ttl: 15 * MINUTE }, // a typical short-lived access token
    nextauth: { ttl: 30 * DAY }, // Auth.js's default session maxAge
    refresh: { access: 60, idle: 14 * DAY, absolute: 30 * DAY, grace: 10 }, // Clerk-like 60 s; Supabase's 10 s reuse interval
  },
  // Short lifetimes so expiry can be watched in a demo (SESSION_PROFILE=lab).
  lab: {
    stateful: { ttl: 120, absolute: 600 },
    cookie: { ttl: 300 },
    jwt: { ttl: 60 },
    nextauth: { ttl: 300 },
    refresh: { access: 30, idle: 300, absolute: 600, grace: 5 },
  },
  // Comparison runs, per request (MATRIX_PROFILE_HEADER): every credential
  // expires, clock tolerance included, well within a 30 s run. Only ever
  // shorter than the other profiles (a unit test checks it).
  matrix: {
    stateful: { ttl: 8, absolute: 20 },
    cookie: { ttl: 10 },
    jwt: { ttl: 10 }, // rejected from 15 s (5 s verifier tolerance)
    nextauth: { ttl: 5 }, // rejected from 20 s (Auth.js decrypts with 15 s tolerance)
    refresh: { access: 5, idle: 15, absolute: 25, grace: 2 },
  },
} as const satisfies Record<string, TtlProfile>;

export type TtlProfileName = keyof typeof TTL_PROFILES;

/** The profiles SESSION_PROFILE may select for the whole process. */
export const PROCESS_PROFILES = ["production", "lab"] as const satisfies readonly TtlProfileName[];

/**
 * The request header that selects the matrix profile for one request:
 * credentials issued (or re-issued, refreshed) in that request get the matrix
 * lifetimes. Shortening a lifetime weakens nothing, so it needs no secret;
 * the only accepted value is `matrix`, and nothing can lengthen a lifetime.
 */
export const MATRIX_PROFILE_HEADER = "x-session-lab-profile";
export const MATRIX_PROFILE_VALUE = "matrix";

/**
 * Seconds past `exp` a verifier still accepts a credential: the runner must
 * wait exp + tolerance before expecting a rejection. iron-session's own ttl
 * check allows 60 s, but our exp check (exact) runs on the sealed `exp`.
 */
export const CLOCK_TOLERANCE_SECONDS: Record<StrategyId, number> = {
  stateful: 0,
  cookie: 0,
  jwt: 5,
  nextauth: 15, // fixed inside @auth/core's decode
};

/** "15 min", "14 days", "60 s": a lifetime as people say it. */
export function describeDuration(seconds: number): string {
  if (seconds < 2 * MINUTE) return `${seconds} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / MINUTE)} min`;
  if (seconds < 2 * DAY) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / DAY)} days`;
}
