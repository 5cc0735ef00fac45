import { randomUUID } from "node:crypto";
import { adapterBoolean, adapterQuery, databaseProvider, getDb } from "@/lib/server/db/client";
import { endStatefulSessionsOps } from "@/lib/server/data/sessions";
import { isRole, type Role } from "@/lib/strategies";

export interface Profile {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
}

const profileSelect = { id: true, email: true, name: true, role: true, disabled: true } as const;

function toRole(value: string): Role {
  return isRole(value) ? value : "member";
}

function toProfile(row: { id: string; email: string; name: string; role: string; disabled: boolean }): Profile {
  return { ...row, role: toRole(row.role) };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserForSignIn(email: string) {
  const row = await getDb().user.findUnique({
    where: { email: normalizeEmail(email) },
    // sessionVersion is read with the hash it belongs to: a credential issued
    // from this check carries the version current when the password was read.
    select: { id: true, name: true, role: true, disabled: true, passwordHash: true, sessionVersion: true, leaseId: true },
  });
  return row && { ...row, role: toRole(row.role) };
}

/**
 * Replaces a hash with a stronger one of the same password (no session ends:
 * sessionVersion is untouched). Only if the stored hash is still `previous`,
 * so a password change that raced the sign-in is never overwritten.
 */
export async function upgradePasswordHash(userId: string, previous: string, upgraded: string): Promise<boolean> {
  const { count } = await getDb().user.updateMany({ where: { id: userId, passwordHash: previous }, data: { passwordHash: upgraded } });
  return count > 0;
}

export async function getPasswordHash(userId: string): Promise<string | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return row?.passwordHash ?? null;
}

export async function getProfile(userId: string): Promise<Profile | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: profileSelect });
  return row && toProfile(row);
}

/**
 * The users an admin may see: those of the admin's own scope. Ordinary
 * accounts have no lease (null); a comparison run's accounts share their
 * lease, so a run's admin never lists (or acts on) a demo user, and the demo
 * admin's list is not flooded by a run's throwaway accounts.
 */
export async function listUsers(leaseId: string | null = null): Promise<Profile[]> {
  const rows = await getDb().user.findMany({ where: { leaseId }, select: profileSelect, orderBy: { email: "asc" } });
  return rows.map(toProfile);
}

export async function createUser(input: { email: string; name: string; role: Role; passwordHash: string }): Promise<Profile> {
  const row = await getDb().user.create({
    data: { id: randomUUID(), ...input, email: normalizeEmail(input.email) },
    select: profileSelect,
  });
  return toProfile(row);
}

/**
 * Returns the updated profile, or null when the user does not exist. A
 * password change or disable ends the user's revocable sessions in the same
 * transaction: sessionVersion is bumped (every version-checked credential and
 * stateful row dies with it) and the stateful rows are deleted, except
 * `keepStatefulSessionId` (the device that changed its own password).
 * `statefulSessionsEnded` counts the deleted rows.
 */
export async function updateUser(
  userId: string,
  data: { name?: string; role?: Role; disabled?: boolean; passwordHash?: string },
  options: { keepStatefulSessionId?: string | null } = {},
): Promise<(Profile & { statefulSessionsEnded: number }) | null> {
  const db = getDb();
  const endsSessions = data.passwordHash !== undefined || data.disabled === true;
  const update = db.user.updateMany({ where: { id: userId }, data: { ...data, ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}) } });
  let statefulSessionsEnded = 0;
  if (endsSessions) {
    const [updated, deleted] = await db.$transaction([update, ...endStatefulSessionsOps(userId, options.keepStatefulSessionId)]);
    if (updated.count === 0) return null;
    statefulSessionsEnded = deleted.count;
  } else if ((await update).count === 0) return null;
  const profile = await getProfile(userId);
  return profile && { ...profile, statefulSessionsEnded };
}

/** What a re-issued credential asserts: the current name and role; null for a missing or disabled user. */
export async function getSessionClaims(userId: string): Promise<{ name: string; role: Role } | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { name: true, role: true, disabled: true } });
  return row && !row.disabled ? { name: row.name, role: toRole(row.role) } : null;
}

/**
 * The per-request read of the version-checking variants: one indexed row, through the driver adapter (adapterQuery).
 * null for a missing or disabled user (a disabled account has no valid session, whatever its version).
 */
export async function getSessionVersion(userId: string): Promise<number | null> {
  const [row] = await adapterQuery`SELECT "sessionVersion", "disabled" FROM "User" WHERE "id" = ${userId}`;
  return row && !adapterBoolean(row.disabled) ? Number(row.sessionVersion) : null;
}

/** Name, role and session version in one read; null for a missing or disabled user. */
export async function getSessionState(userId: string): Promise<{ name: string; role: Role; sessionVersion: number } | null> {
  const [row] = await adapterQuery`SELECT "name", "role", "sessionVersion", "disabled" FROM "User" WHERE "id" = ${userId}`;
  return row && !adapterBoolean(row.disabled)
    ? { name: String(row.name), role: toRole(String(row.role)), sessionVersion: Number(row.sessionVersion) }
    : null;
}

/** "Revoke all": bump the version every version-checked credential is compared with. Returns the new version, or null (no such user). */
export async function bumpSessionVersion(userId: string): Promise<number | null> {
  const rows = await getDb().user.updateManyAndReturn({
    where: { id: userId },
    data: { sessionVersion: { increment: 1 } },
    select: { sessionVersion: true },
  });
  return rows[0]?.sessionVersion ?? null;
}

export type AdminChangeResult =
  | { ok: true; profile: Profile; statefulSessionsEnded: number }
  /** `actor_not_admin`: the acting admin was demoted or disabled meanwhile (a stale credential); `last_admin`: the change would leave no enabled admin. */
  | { ok: false; reason: "not_found" | "actor_not_admin" | "last_admin" };

/**
 * An admin's change of another account's role or disabled flag, in one
 * transaction that (1) locks the scope's admin rows, (2) re-reads the acting
 * admin from the database (a credential may still say "admin" after a
 * demotion), (3) applies the change and (4) refuses it if no enabled admin
 * would be left in the scope. The lock makes two admins demoting each other
 * at once take turns: the second then finds it is no admin any more.
 * Disabling also ends the target's sessions, as updateUser() does.
 */
export async function changeUserAsAdmin(
  actorId: string,
  targetId: string,
  data: { role?: Role; disabled?: boolean },
): Promise<AdminChangeResult> {
  const db = getDb();
  const postgres = databaseProvider() === "postgresql";
  try {
    return await db.$transaction(async (tx) => {
      const target = await tx.user.findUnique({ where: { id: targetId }, select: { leaseId: true } });
      if (!target) return { ok: false, reason: "not_found" } as const;
      const leaseId = target.leaseId;
      if (postgres) {
        // Row locks on every admin of the scope (and the target), in one order, so concurrent changes serialize.
        await tx.$queryRaw`SELECT "id" FROM "User" WHERE ("role" = 'admin' OR "id" = ${targetId})
          AND "leaseId" IS NOT DISTINCT FROM ${leaseId}::text ORDER BY "id" FOR UPDATE`;
      } else {
        // SQLite: a first write takes the database's write lock now (a deferred read could not upgrade later).
        await tx.$executeRaw`UPDATE "User" SET "role" = "role" WHERE "id" = ${targetId}`;
      }
      const actor = await tx.user.findUnique({ where: { id: actorId }, select: { role: true, disabled: true } });
      if (!actor || actor.role !== "admin" || actor.disabled) return { ok: false, reason: "actor_not_admin" } as const;
      const endsSessions = data.disabled === true;
      await tx.user.update({ where: { id: targetId }, data: { ...data, ...(endsSessions ? { sessionVersion: { increment: 1 } } : {}) } });
      const admins = await tx.user.count({ where: { leaseId, role: "admin", disabled: false } });
      if (admins === 0) throw new LastAdminRefusal();
      const ended = endsSessions ? await tx.session.deleteMany({ where: { userId: targetId } }) : { count: 0 };
      const row = await tx.user.findUniqueOrThrow({ where: { id: targetId }, select: profileSelect });
      return { ok: true, profile: toProfile(row), statefulSessionsEnded: ended.count } as const;
    });
  } catch (error) {
    if (error instanceof LastAdminRefusal) return { ok: false, reason: "last_admin" };
    throw error;
  }
}

/** Thrown inside the transaction to roll the change back. */
class LastAdminRefusal extends Error {}
