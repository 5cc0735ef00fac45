import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/server/db/client";
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
    select: { id: true, name: true, role: true, disabled: true, passwordHash: true, sessionVersion: true },
  });
  return row && { ...row, role: toRole(row.role) };
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
 * The per-request read of the version-checking variants: one indexed row.
 * null for a missing or disabled user (a disabled account has no valid session, whatever its version).
 */
export async function getSessionVersion(userId: string): Promise<number | null> {
  const rows = await getDb().$queryRaw<{ sessionVersion: number; disabled: boolean }[]>`
    SELECT "sessionVersion", "disabled" FROM "User" WHERE "id" = ${userId}`;
  const row = rows[0];
  return row && !row.disabled ? Number(row.sessionVersion) : null;
}

/** Name, role and session version in one read; null for a missing or disabled user. */
export async function getSessionState(userId: string): Promise<{ name: string; role: Role; sessionVersion: number } | null> {
  const rows = await getDb().$queryRaw<{ name: string; role: string; sessionVersion: number; disabled: boolean }[]>`
    SELECT "name", "role", "sessionVersion", "disabled" FROM "User" WHERE "id" = ${userId}`;
  const row = rows[0];
  return row && !row.disabled ? { name: row.name, role: toRole(row.role), sessionVersion: Number(row.sessionVersion) } : null;
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

