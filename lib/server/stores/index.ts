import { databaseStores } from "./database";
import type { Stores } from "./types";

export type * from "./types";

// The stores the mitigations use, built once per process and handed to the
// strategy factories. Today always the database; a Redis implementation
// (REDIS_URL) plugs in here.

const holder = globalThis as typeof globalThis & { sessionLabStores?: Stores };

export function stores(): Stores {
  return (holder.sessionLabStores ??= databaseStores());
}

/** Remove expired denylist entries and refresh families (at start-up; the database stores also purge as they write). */
export async function purgeExpiredStoreRows(now: Date): Promise<{ deniedTokens: number; refreshFamilies: number }> {
  const s = stores();
  const [deniedTokens, refreshFamilies] = await Promise.all([s.denylist.purgeExpired(now), s.refreshFamilies.purgeExpired(now)]);
  return { deniedTokens, refreshFamilies };
}
