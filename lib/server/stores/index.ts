import { redisConfigured } from "@/lib/server/redis";
import { databaseStores } from "./database";
import { redisStores } from "./redis";
import type { Stores } from "./types";

export type * from "./types";

// The stores the mitigations use, built once per process and handed to the
// strategy factories: in Redis when REDIS_URL is set (shared by every
// instance, docs/scaling.md), else in the database (the embedded default).

const holder = globalThis as typeof globalThis & { sessionLabStores?: Stores };

export function stores(): Stores {
  return (holder.sessionLabStores ??= redisConfigured() ? redisStores() : databaseStores());
}

/** Remove expired denylist entries and refresh families (at start-up; the database stores also purge as they write). */
export async function purgeExpiredStoreRows(now: Date): Promise<{ deniedTokens: number; refreshFamilies: number }> {
  const s = stores();
  const [deniedTokens, refreshFamilies] = await Promise.all([s.denylist.purgeExpired(now), s.refreshFamilies.purgeExpired(now)]);
  return { deniedTokens, refreshFamilies };
}
