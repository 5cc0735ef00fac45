import { verifyCredentials } from "@/lib/server/auth/credentials";
import { getSessionClaims } from "@/lib/server/data/users";
import { loadEnv } from "@/lib/server/env";
import { TTL_PROFILES } from "@/lib/server/ttl-profiles";
import type { StrategyId } from "@/lib/strategies";
import { createCookieStrategy } from "./cookie";
import { createJwtStrategy } from "./jwt";
import { createNextAuthStrategy, type NextAuthOptions } from "./nextauth";
import { createStatefulStrategy } from "./stateful";
import { systemClock, type SessionStrategy } from "./types";

export type { SessionStrategy } from "./types";

function build() {
  const env = loadEnv();
  const ttl = TTL_PROFILES[env.SESSION_PROFILE];
  const clock = systemClock;
  const stateful = createStatefulStrategy({
    clock,
    idleSeconds: ttl.stateful.ttl,
    absoluteSeconds: ttl.stateful.absolute,
    verifyCredentials,
  });
  const cookie = createCookieStrategy({ clock, ttlSeconds: ttl.cookie.ttl, password: env.ironPassword, verifyCredentials });
  const jwt = createJwtStrategy({ clock, ttlSeconds: ttl.jwt.ttl, secret: env.JWT_SECRET, verifyCredentials });
  const nextauth = createNextAuthStrategy(nextAuthOptions());
  return { stateful, cookie, jwt, nextauth } satisfies Record<StrategyId, SessionStrategy>;
}

/** The Auth.js strategy's settings from the environment (also used by app/api/auth/[...nextauth]). */
export function nextAuthOptions(): NextAuthOptions {
  const env = loadEnv();
  return {
    ttlSeconds: TTL_PROFILES[env.SESSION_PROFILE].nextauth.ttl,
    secret: env.AUTH_SECRET,
    verifyCredentials,
    loadClaims: getSessionClaims,
  };
}

type Registry = ReturnType<typeof build>;
const globalForStrategies = globalThis as unknown as { sessionLabStrategies?: Registry };

/** The four strategies, built once per process (keys imported once). */
export function strategies(): Registry {
  return (globalForStrategies.sessionLabStrategies ??= build());
}

export function getStrategy(id: StrategyId): SessionStrategy {
  return strategies()[id];
}
