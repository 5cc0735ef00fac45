import { getDb } from "@/lib/server/db/client";
import type { RefreshFamily } from "@/lib/server/stores/types";

// The jwt-refresh variant's families (see RefreshFamilyStore for the contract).

export async function insertRefreshFamily(family: RefreshFamily, maxPerUser: number): Promise<void> {
  const db = getDb();
  await db.refreshFamily.create({ data: family });
  // Bounded per user: the oldest families beyond the cap end (like signing out a forgotten device).
  const surplus = await db.refreshFamily.findMany({
    where: { userId: family.userId },
    select: { id: true },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: maxPerUser,
  });
  if (surplus.length > 0) await db.refreshFamily.deleteMany({ where: { id: { in: surplus.map((f) => f.id) } } });
}

export function findRefreshFamily(id: string): Promise<RefreshFamily | null> {
  return getDb().refreshFamily.findUnique({ where: { id } });
}

/** A conditional UPDATE: the database serialises two rotations of one generation, and only one matches. */
export async function advanceRefreshFamily(
  id: string,
  fromGeneration: number,
  next: { tokenHash: string; rotatedAt: Date; expiresAt: Date },
): Promise<boolean> {
  const { count } = await getDb().refreshFamily.updateMany({
    where: { id, generation: fromGeneration },
    data: { generation: fromGeneration + 1, tokenHash: next.tokenHash, rotatedAt: next.rotatedAt, lastUsedAt: next.rotatedAt, expiresAt: next.expiresAt },
  });
  return count === 1;
}

export async function deleteRefreshFamily(id: string, userId?: string): Promise<boolean> {
  const { count } = await getDb().refreshFamily.deleteMany({ where: { id, ...(userId ? { userId } : {}) } });
  return count > 0;
}

export async function deleteUserRefreshFamilies(userId: string, keep?: { id: string; sessionVersion: number } | null): Promise<number> {
  const db = getDb();
  const [deleted] = await db.$transaction([
    db.refreshFamily.deleteMany({ where: { userId, ...(keep ? { id: { not: keep.id } } : {}) } }),
    ...(keep ? [db.refreshFamily.updateMany({ where: { id: keep.id, userId }, data: { sessionVersion: keep.sessionVersion } })] : []),
  ]);
  return deleted.count;
}

export function listRefreshFamilies(userId: string, now: Date): Promise<RefreshFamily[]> {
  return getDb().refreshFamily.findMany({ where: { userId, expiresAt: { gt: now } }, orderBy: { lastUsedAt: "desc" } });
}

export async function deleteExpiredRefreshFamilies(now: Date): Promise<number> {
  const { count } = await getDb().refreshFamily.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
