import { MATRIX_PROFILE_VALUE, TTL_PROFILES, type TtlProfile, type TtlProfileName } from "@/lib/catalog/lifetimes";
import { VARIANT_IDS, type VariantId } from "@/lib/catalog/variants";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { SESSION_COOKIES } from "@/lib/server/cookies";
import { getSessionClaims } from "@/lib/server/data/users";
import { loadEnv } from "@/lib/server/env";
import { sessionCache } from "@/lib/server/invalidation";
import { stores } from "@/lib/server/stores";
import { createCookieStrategy } from "./cookie";
import { createJwtStrategy } from "./jwt";
import { createNextAuthStrategy, type NextAuthOptions } from "./nextauth";
import { createStatefulStrategy } from "./stateful";
import { systemClock, type SessionStrategy } from "./types";

export type { SessionStrategy } from "./types";

export type Registry = Record<VariantId, SessionStrategy>;

/** cookie-cache and nextauth-lazy: verified credentials kept per process (each well under 1 KB): bounded memory whatever the traffic. */
const VERIFIED_CACHE_ENTRIES = 10_000;

/**
 * Every variant under one TTL profile: the four strategies and their
 * mitigations, each a base factory with a switch on (never a copy).
 */
function build(profile: TtlProfileName): Registry {
  const env = loadEnv();
  const ttl: TtlProfile = TTL_PROFILES[profile];
  const clock = systemClock;
  const { denylist, sessionVersions, refreshFamilies } = stores();
  const jwt = { clock, ttlSeconds: ttl.jwt.ttl, secret: env.jwtSecret, verifyCredentials };
  const cookie = { clock, ttlSeconds: ttl.cookie.ttl, password: env.ironPassword, verifyCredentials };
  const nextauth = { ...nextAuthOptions(), ttlSeconds: ttl.nextauth.ttl, ...(profile === "matrix" ? { profileTag: profile } : {}) };
  const stateful = { clock, idleSeconds: ttl.stateful.ttl, absoluteSeconds: ttl.stateful.absolute!, verifyCredentials };
  const registry: Registry = {
    stateful: createStatefulStrategy(stateful),
    cookie: createCookieStrategy(cookie),
    jwt: createJwtStrategy(jwt),
    nextauth: createNextAuthStrategy(nextauth),
    "cookie-version": createCookieStrategy({
      ...cookie,
      id: "cookie-version",
      cookie: SESSION_COOKIES["cookie-version"],
      versionCheck: sessionVersions,
    }),
    "cookie-cache": createCookieStrategy({
      ...cookie,
      id: "cookie-cache",
      cookie: SESSION_COOKIES["cookie-cache"],
      verifiedCache: { maxEntries: VERIFIED_CACHE_ENTRIES },
    }),
    "jwt-denylist": createJwtStrategy({ ...jwt, id: "jwt-denylist", denylist }),
    "jwt-refresh": createJwtStrategy({
      ...jwt,
      id: "jwt-refresh",
      refresh: { families: refreshFamilies, versions: sessionVersions, lifetimes: ttl.refresh, cookiePath: "/api/jwt-refresh/refresh" },
    }),
    "nextauth-refresh": createNextAuthStrategy({
      ...nextauth,
      id: "nextauth-refresh",
      cookie: SESSION_COOKIES["nextauth-refresh"],
      recheck: sessionVersions,
    }),
    "nextauth-lazy": createNextAuthStrategy({
      ...nextauth,
      id: "nextauth-lazy",
      cookie: SESSION_COOKIES["nextauth-lazy"],
      lazyReissue: { cacheEntries: VERIFIED_CACHE_ENTRIES },
    }),
    "stateful-cache": createStatefulStrategy({
      ...stateful,
      id: "stateful-cache",
      cookie: SESSION_COOKIES["stateful-cache"],
      cache: sessionCache(),
    }),
  };
  for (const id of VARIANT_IDS) if (registry[id].id !== id) throw new Error(`registry: ${id} is served by ${registry[id].id}`);
  return registry;
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

/** Which lifetimes a request asked for: the process's profile, or the shorter matrix profile. */
export type ProfileSelection = "process" | typeof MATRIX_PROFILE_VALUE;

type Registries = Partial<Record<ProfileSelection, Registry>>;
const globalForStrategies = globalThis as unknown as { sessionLabStrategies?: Registries };

/**
 * Every variant, built once per process (keys imported once): under the
 * process's TTL profile, and (on first use) under the matrix profile that
 * comparison runs select per request.
 */
export function strategies(selection: ProfileSelection = "process"): Registry {
  const registries = (globalForStrategies.sessionLabStrategies ??= {});
  return (registries[selection] ??= build(selection === "process" ? loadEnv().SESSION_PROFILE : "matrix"));
}

export function getStrategy(id: VariantId, selection: ProfileSelection = "process"): SessionStrategy {
  return strategies(selection)[id];
}
