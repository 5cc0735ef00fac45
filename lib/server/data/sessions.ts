import { getDb } from "@/lib/server/db/client";
import { isRole, type Role } from "@/lib/strategies";

// Rows of the stateful strategy. Tokens never reach this module: callers pass
// the SHA-256 hash, so a dump of this table cannot be replayed.

export interface SessionRow {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
}

export interface SessionWithUser {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  user: { id: string; name: string; role: Role; disabled: boolean };
}

export async function insertSession(row: Omit<SessionRow, "createdAt" | "lastSeenAt"> & { createdAt: Date }): Promise<void> {
  await getDb().session.create({ data: { ...row, lastSeenAt: row.createdAt } });
}

// Both adapters return DateTime columns as Date and Boolean as boolean for
// plain column references (checked on SQLite and PostgreSQL by the unit tests).
type RawSessionJoin = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  userId: string;
  name: string;
  role: string;
  disabled: boolean;
};

/**
 * The hot path of the stateful strategy: one indexed query that joins the
 * user and selects only the columns a request needs.
 */
export async function findSessionByTokenHash(tokenHash: string): Promise<SessionWithUser | null> {
  const rows = await getDb().$queryRaw<RawSessionJoin[]>`
    SELECT s."id", s."createdAt", s."lastSeenAt", s."expiresAt", s."absoluteExpiresAt",
           u."id" AS "userId", u."name", u."role", u."disabled"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."tokenHash" = ${tokenHash}`;
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    absoluteExpiresAt: row.absoluteExpiresAt,
    user: { id: row.userId, name: row.name, role: isRole(row.role) ? row.role : "member", disabled: row.disabled },
  };
}

export async function touchSession(id: string, expiresAt: Date, seenAt: Date): Promise<void> {
  await getDb().session.updateMany({ where: { id }, data: { expiresAt, lastSeenAt: seenAt } });
}

export async function deleteSessionById(id: string): Promise<void> {
  await getDb().session.deleteMany({ where: { id } });
}

export async function deleteSessionByTokenHash(tokenHash: string): Promise<void> {
  await getDb().session.deleteMany({ where: { tokenHash } });
}

export function listActiveSessions(userId: string, now: Date) {
  return getDb().session.findMany({
    where: { userId, expiresAt: { gt: now }, absoluteExpiresAt: { gt: now } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, userAgent: true },
    orderBy: { lastSeenAt: "desc" },
  });
}

export async function deleteUserSession(userId: string, sessionId: string): Promise<boolean> {
  const { count } = await getDb().session.deleteMany({ where: { id: sessionId, userId } });
  return count > 0;
}

export async function deleteUserSessions(userId: string, keepSessionId?: string | null): Promise<number> {
  const { count } = await getDb().session.deleteMany({
    where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) },
  });
  return count;
}

export async function deleteExpiredSessions(now: Date): Promise<number> {
  const { count } = await getDb().session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { absoluteExpiresAt: { lte: now } }] },
  });
  return count;
}
