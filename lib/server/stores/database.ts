import * as denied from "@/lib/server/data/denied-tokens";
import * as families from "@/lib/server/data/refresh-families";
import * as users from "@/lib/server/data/users";
import { systemClock, type Clock } from "@/lib/server/strategies/types";
import type { Stores } from "./types";

const PURGE_INTERVAL_MS = 60_000;

/**
 * Bounded growth without a timer: rows are only created by sign-outs and
 * refreshes, so those writes also purge expired rows, at most once a minute
 * per process. A failed purge never fails the write that triggered it.
 */
function occasionalPurge(clock: Clock, name: string, purge: (now: Date) => Promise<number>): () => Promise<void> {
  let last = -Infinity;
  return async () => {
    const now = clock.now();
    if (now - last < PURGE_INTERVAL_MS) return;
    last = now;
    try {
      await purge(new Date(now));
    } catch (error) {
      console.error(`[stores] purging expired ${name} failed`, error);
    }
  };
}

/** The embedded default: every store in the app's database (SQLite or PostgreSQL), through the data layer. */
export function databaseStores(clock: Clock = systemClock): Stores {
  const purgeDenied = occasionalPurge(clock, "denylist entries", denied.deleteExpiredDeniedTokens);
  const purgeFamilies = occasionalPurge(clock, "refresh families", families.deleteExpiredRefreshFamilies);
  return {
    denylist: {
      async add(issuer, jti, expiresAt) {
        await denied.insertDeniedToken(issuer, jti, expiresAt);
        await purgeDenied();
      },
      has: denied.isTokenDenied,
      purgeExpired: denied.deleteExpiredDeniedTokens,
    },
    sessionVersions: {
      get: users.getSessionVersion,
      getWithClaims: users.getSessionState,
      bump: users.bumpSessionVersion,
    },
    refreshFamilies: {
      async create(family, maxPerUser) {
        await families.insertRefreshFamily(family, maxPerUser);
        await purgeFamilies();
      },
      get: families.findRefreshFamily,
      advance: families.advanceRefreshFamily,
      delete: families.deleteRefreshFamily,
      deleteForUser: families.deleteUserRefreshFamilies,
      listForUser: families.listRefreshFamilies,
      purgeExpired: families.deleteExpiredRefreshFamilies,
    },
  };
}
