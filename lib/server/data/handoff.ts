import { getDb } from "@/lib/server/db/client";

// Rows of the cross-domain handoff (docs/handoff.md). A's grants, B's replay
// cache and B's sessions are separate tables, as two deployments would keep
// them; tokens never reach this module, only their SHA-256 hashes.

export interface HandoffGrantRow {
  jti: string;
  sid: string;
  userId: string;
  /** A's stateful session that started the handoff. */
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
  retainUntil: Date;
}

/** A: remember a minted handoff token, and which A session asked for it. */
export async function recordHandoffGrant(row: HandoffGrantRow): Promise<void> {
  await getDb().handoffGrant.create({ data: row });
}

/** A: the partner sessions (`sid`s) that handoffs from these A sessions may have created. */
export async function grantsOfSessions(sessionIds: string[]): Promise<{ sid: string; userId: string }[]> {
  if (sessionIds.length === 0) return [];
  return getDb().handoffGrant.findMany({ where: { sessionId: { in: sessionIds } }, select: { sid: true, userId: true } });
}

/** A: the user's grants, except those of one A session (the device that keeps its session). */
export async function grantsOfUser(userId: string, exceptSessionId: string | null): Promise<{ sid: string; userId: string }[]> {
  return getDb().handoffGrant.findMany({
    where: { userId, ...(exceptSessionId ? { sessionId: { not: exceptSessionId } } : {}) },
    select: { sid: true, userId: true },
  });
}

/** A: forget grants once their partner sessions were told to end. */
export async function deleteGrants(where: { sids: string[] } | { userId: string }): Promise<void> {
  await getDb().handoffGrant.deleteMany({ where: "sids" in where ? { sid: { in: where.sids } } : { userId: where.userId } });
}

/**
 * B: consume a token's jti, atomically. True for the first use only: the
 * insert either adds the row or, when it is there already (a replay, or a
 * concurrent use that got there first), adds nothing. One statement, so
 * SQLite's write lock and PostgreSQL's unique index decide, never a
 * read-then-write race. Keep the row until the token could no longer verify
 * (its exp plus the verifier's clock tolerance).
 */
export async function spendTokenId(jti: string, kind: "handoff" | "logout", keepUntil: Date): Promise<boolean> {
  const inserted = await getDb().$executeRaw`
    INSERT INTO "SpentToken" ("jti", "kind", "expiresAt") VALUES (${jti}, ${kind}, ${keepUntil})
    ON CONFLICT ("jti") DO NOTHING`;
  return inserted === 1;
}

export interface PartnerSessionRow {
  id: string;
  tokenHash: string;
  userId: string;
  name: string;
  sid: string;
  createdAt: Date;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
}

/** B: a new session. False when its user does not exist (any more): the row's foreign key refuses it. */
export async function insertPartnerSession(row: PartnerSessionRow): Promise<boolean> {
  try {
    await getDb().partnerSession.create({ data: row });
    return true;
  } catch (error) {
    // Prisma's "foreign key constraint failed", from either generated client.
    if ((error as { code?: unknown } | null)?.code === "P2003") return false;
    throw error;
  }
}

const partnerSelect = {
  id: true,
  userId: true,
  name: true,
  sid: true,
  createdAt: true,
  expiresAt: true,
  absoluteExpiresAt: true,
  lastSeenAt: true,
} as const;

export type PartnerSession = Omit<PartnerSessionRow, "tokenHash" | "userAgent">;

/** B's session check: one indexed read of B's own table (no join: B knows A's user only from the handoff). */
export async function findPartnerSession(tokenHash: string): Promise<PartnerSession | null> {
  return getDb().partnerSession.findUnique({ where: { tokenHash }, select: partnerSelect });
}

export async function touchPartnerSession(id: string, expiresAt: Date, seenAt: Date): Promise<void> {
  await getDb().partnerSession.updateMany({ where: { id }, data: { expiresAt, lastSeenAt: seenAt } });
}

export async function deletePartnerSession(where: { id: string } | { tokenHash: string }): Promise<number> {
  return (await getDb().partnerSession.deleteMany({ where })).count;
}

/**
 * B, on a back-channel logout: end the session(s) the token names. With `sid`,
 * only that session (and only if it is the named user's); with `sub` alone,
 * every B session of that user (OIDC Back-Channel Logout §2.4).
 */
export async function deletePartnerSessionsNamed(names: { sub?: string; sid?: string }): Promise<number> {
  if (!names.sid && !names.sub) return 0;
  const where = { ...(names.sid ? { sid: names.sid } : {}), ...(names.sub ? { userId: names.sub } : {}) };
  return (await getDb().partnerSession.deleteMany({ where })).count;
}

/** Housekeeping, at start and now and then: spent jtis past their exp, grants past retention, ended B sessions. */
export async function purgeHandoffRows(now: Date): Promise<number> {
  const db = getDb();
  const [spent, grants, sessions] = await Promise.all([
    db.spentToken.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.handoffGrant.deleteMany({ where: { retainUntil: { lt: now } } }),
    db.partnerSession.deleteMany({ where: { OR: [{ expiresAt: { lte: now } }, { absoluteExpiresAt: { lte: now } }] } }),
  ]);
  return spent.count + grants.count + sessions.count;
}
