import { hash } from "node:crypto";
import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { normalizeEmail } from "@/lib/server/data/users";
import { commandConnection, redisConfigured, redisKey } from "@/lib/server/redis";

// Sign-in throttling (ASVS 6.3.1, OWASP's credential-stuffing advice) with
// rate-limiter-flexible: failed sign-ins are counted per account and per
// client; once either reaches its limit, sign-ins for it are refused (429 with
// Retry-After) without checking the password. A successful sign-in resets the
// account's count, so people who mistype and then succeed, test suites and
// comparison runs (thousands of successful sign-ins) never reach it.

export interface SignInLimits {
  /** Failed sign-ins of one account (email) within the window before it is blocked. */
  accountFailures: number;
  /** Failed sign-ins from one client (address) within the window, across accounts. */
  clientFailures: number;
  windowSeconds: number;
  /** How long a key that reached its limit stays blocked. */
  blockSeconds: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { accountFailures: 10, clientFailures: 300, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

export type LimiterOptions = { keyPrefix: string; points: number; duration: number; blockDuration: number };

/** Where the counts live: in this process's memory, or in Redis for every instance (with REDIS_URL). */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiters: LimiterFactory = (options) => new RateLimiterMemory(options);

/**
 * Counts shared by every instance through Redis, so an attacker spreading guesses over instances meets one
 * limit. While Redis cannot answer, each instance counts in its own memory (rate-limiter-flexible's insurance
 * limiter): sign-in keeps working and stays throttled, per instance, until Redis is back.
 */
export function redisLimiters(redis: Redis, prefix: string): LimiterFactory {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      storeClient: redis,
      keyPrefix: `${prefix}${options.keyPrefix}`,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}

export interface SignInThrottle {
  /** Seconds until this account and client may try again; 0 when they may now. */
  retryAfterSeconds(email: string, client: string): Promise<number>;
  recordFailure(email: string, client: string): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

export function createSignInThrottle(limits: SignInLimits = SIGN_IN_LIMITS, limiters: LimiterFactory = memoryLimiters): SignInThrottle {
  const options = (keyPrefix: string, points: number) => ({
    keyPrefix,
    points,
    duration: limits.windowSeconds,
    blockDuration: limits.blockSeconds,
  });
  const account = limiters(options("sign-in-account", limits.accountFailures));
  const client = limiters(options("sign-in-client", limits.clientFailures));
  // Keys are hashes: the store (Redis, with REDIS_URL) never holds an address or an IP in the clear.
  const accountKey = (email: string) => hash("sha256", `account\0${normalizeEmail(email)}`, "base64url");
  const clientKey = (from: string) => hash("sha256", `client\0${from}`, "base64url");

  async function waitOf(limiter: RateLimiterAbstract, key: string, points: number): Promise<number> {
    const state = await limiter.get(key);
    return state && state.consumedPoints >= points ? Math.max(1, Math.ceil(state.msBeforeNext / 1000)) : 0;
  }

  return {
    async retryAfterSeconds(email, from) {
      const [a, c] = await Promise.all([
        waitOf(account, accountKey(email), limits.accountFailures),
        waitOf(client, clientKey(from), limits.clientFailures),
      ]);
      return Math.max(a, c);
    },
    async recordFailure(email, from) {
      // consume() rejects once a key is past its limit (and blocks it): that is the point, not an error.
      await Promise.all([account.consume(accountKey(email)).catch(() => null), client.consume(clientKey(from)).catch(() => null)]);
    },
    async recordSuccess(email) {
      await account.delete(accountKey(email));
    },
  };
}

const holder = globalThis as typeof globalThis & { __sessionLabSignInThrottle?: SignInThrottle };

/** The process's throttle, shared by the JSON sign-in and Auth.js's own credentials endpoint; in Redis with REDIS_URL. */
export function signInThrottle(): SignInThrottle {
  holder.__sessionLabSignInThrottle ??= createSignInThrottle(
    SIGN_IN_LIMITS,
    redisConfigured() ? redisLimiters(commandConnection(), redisKey("throttle:")) : memoryLimiters,
  );
  return holder.__sessionLabSignInThrottle;
}
