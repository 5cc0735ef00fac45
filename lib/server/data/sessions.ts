import { adapterBoolean, adapterDate, adapterQuery, getDb } from "@/lib/server/db/client";
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
  /** User.sessionVersion read with the password hash at sign-in. */
  sessionVersion: number;
}

export interface SessionWithUser {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  user: { id: string; name: string; role: Role; disabled: boolean };
}

/** Active stateful sessions a user may hold; a sign-in beyond it ends the oldest (docs/api.md). */
export const MAX_SESSIONS_PER_USER = 20;

/**
 * Inserts the row, then ends the user's oldest sessions beyond `maxPerUser` (bounded growth: one row per sign-in otherwise).
 * Resolves the ids of the sessions it ended, for the caller to announce (instances may cache those rows).
 */
export async function insertSession(
  row: Omit<SessionRow, "createdAt" | "lastSeenAt"> & { createdAt: Date },
  maxPerUser = MAX_SESSIONS_PER_USER,
): Promise<string[]> {
  const db = getDb();
  await db.session.create({ data: { ...row, lastSeenAt: row.createdAt } });
  const beyond = await db.session.findMany({
    // The new row always stays: the others beyond the newest maxPerUser - 1 go.
    where: { userId: row.userId, id: { not: row.id } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: maxPerUser - 1,
    select: { id: true },
  });
  const ended = beyond.map((b) => b.id);
  if (ended.length > 0) await db.session.deleteMany({ where: { id: { in: ended }, userId: row.userId } });
  return ended;
}

/**
 * The hot path of the stateful strategy: one indexed query that joins the
 * user and selects only the columns a request needs, read through the driver
 * adapter (adapterQuery: Prisma's query engine would cost more than the query).
 * A row issued under an older User.sessionVersion is not found: a password
 * change, disable or "sign out everywhere" ends it even if it was inserted
 * after the bump.
 */
export async function findSessionByTokenHash(tokenHash: string): Promise<SessionWithUser | null> {
  const [row] = await adapterQuery`
    SELECT s."id", s."createdAt", s."lastSeenAt", s."expiresAt", s."absoluteExpiresAt",
           u."id" AS "userId", u."name", u."role", u."disabled"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."tokenHash" = ${tokenHash} AND s."sessionVersion" = u."sessionVersion"`;
  if (!row) return null;
  const role = String(row.role);
  return {
    id: String(row.id),
    createdAt: adapterDate(row.createdAt),
    lastSeenAt: adapterDate(row.lastSeenAt),
    expiresAt: adapterDate(row.expiresAt),
    absoluteExpiresAt: adapterDate(row.absoluteExpiresAt),
    user: { id: String(row.userId), name: String(row.name), role: isRole(role) ? role : "member", disabled: adapterBoolean(row.disabled) },
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
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: MAX_SESSIONS_PER_USER * 2, // bounded even if a cap was lowered after rows were written
  });
}

export async function deleteUserSession(userId: string, sessionId: string): Promise<boolean> {
  const { count } = await getDb().session.deleteMany({ where: { id: sessionId, userId } });
  return count > 0;
}

/**
 * "Sign out everywhere": in one transaction, bump User.sessionVersion (which
 * also ends the version-checked credentials of the other variants) and
 * delete the user's stateful rows, except `keepSessionId`, which moves to the
 * new version (the device that asked stays signed in). Returns how many rows ended.
 */
export async function deleteUserSessions(userId: string, keepSessionId?: string | null): Promise<number> {
  const db = getDb();
  const [, deleted] = await db.$transaction([
    db.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } }),
    ...endStatefulSessionsOps(userId, keepSessionId),
  ]);
  return deleted.count;
}

/**
 * The statements that end a user's stateful rows after (in the same
 * transaction as) a bump of User.sessionVersion: delete every row but
 * `keepSessionId`, and move that one to the user's new version.
 */
export function endStatefulSessionsOps(userId: string, keepSessionId?: string | null) {
  const db = getDb();
  return [
    db.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } }),
    db.$executeRaw`UPDATE "Session" SET "sessionVersion" = (SELECT u."sessionVersion" FROM "User" u WHERE u."id" = ${userId})
                   WHERE "id" = ${keepSessionId ?? ""} AND "userId" = ${userId}`,
  ] as const;
}

export async function deleteExpiredSessions(now: Date): Promise<number> {
  const { count } = await getDb().session.deleteMany({
    where: { OR: [{ expiresAt: { lte: now } }, { absoluteExpiresAt: { lte: now } }] },
  });
  return count;
}
