import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { announceRevocation } from "@/lib/server/invalidation";
import { getDb } from "@/lib/server/db/client";
import { hashPassword, RUN_ACCOUNT_SCRYPT } from "@/lib/server/passwords";
import type { Role } from "@/lib/strategies";

// The comparison lab's data: leases of throwaway accounts (a run's or a live
// split-screen's), and the history of runs. A lease owns its accounts: deleting
// it deletes them, and with them their sessions, notes and refresh families.

export type LeaseKind = "run" | "live";

export interface LeaseAccount {
  id: string;
  email: string;
  password: string;
  role: Role;
  name: string;
}

export interface Lease {
  id: string;
  kind: LeaseKind;
  /** Releases the lease; shown once, only its SHA-256 is stored. */
  token: string;
  expiresAt: Date;
  accounts: LeaseAccount[];
}

export type LeaseRefusal = { reason: "run_in_progress"; activeSince: Date; expiresAt: Date } | { reason: "live_lab_limit"; limit: number };

/** Emails of run accounts: `.invalid` is reserved (RFC 2606), so they can never be anyone's address. */
export const LEASE_EMAIL_DOMAIN = "lab-runs.invalid";
const RUN_SLOT = "run";

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

/**
 * Deleted accounts' sessions must not outlive them in any instance's cache of session rows or Redis copy
 * of user state (stateful-cache, nextauth-refresh): announced like every other revocation.
 */
async function announceDeleted(userIds: string[]): Promise<void> {
  await Promise.all(userIds.map((userId) => announceRevocation({ userId, reason: "account-deleted" })));
}

/** Deletes abandoned leases (their holder crashed or never released them), and their accounts with them. */
export async function purgeExpiredLeases(now: Date): Promise<number> {
  const db = getDb();
  const where = { expiresAt: { lt: now } };
  const accounts = await db.user.findMany({ where: { lease: where }, select: { id: true } });
  const { count } = await db.compareLease.deleteMany({ where });
  await announceDeleted(accounts.map((a) => a.id));
  return count;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/**
 * A lease with fresh accounts, each with its own random password (hashed with
 * the cheap run-account parameters, see lib/server/passwords.ts). A "run"
 * lease is exclusive: while another run holds one, this resolves a refusal.
 * Abandoned leases are purged first, so a crashed run blocks the next one only
 * until its lease expires.
 */
export async function createLease(input: {
  kind: LeaseKind;
  accounts: readonly Role[];
  ttlSeconds: number;
  maxLive?: number;
  now?: Date;
}): Promise<{ ok: true; lease: Lease } | { ok: false; refusal: LeaseRefusal }> {
  const db = getDb();
  const now = input.now ?? new Date();
  await purgeExpiredLeases(now);
  if (input.kind === "live" && input.maxLive !== undefined) {
    const active = await db.compareLease.count({ where: { kind: "live" } });
    if (active >= input.maxLive) return { ok: false, refusal: { reason: "live_lab_limit", limit: input.maxLive } };
  }
  const id = randomBytes(9).toString("base64url").replace(/[-_]/g, "x").toLowerCase();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000);
  const accounts: LeaseAccount[] = await Promise.all(
    input.accounts.map(async (role, i) => {
      const password = randomBytes(24).toString("base64url");
      const label = `${input.kind === "run" ? "Run" : "Live"} ${role === "admin" ? "admin" : "user"} ${i + 1}`;
      return { id: randomUUID(), email: `${input.kind}-${id}-${i + 1}@${LEASE_EMAIL_DOMAIN}`, password, role, name: label };
    }),
  );
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password, RUN_ACCOUNT_SCRYPT)));
  try {
    await db.$transaction([
      db.compareLease.create({
        data: { id, kind: input.kind, runSlot: input.kind === "run" ? RUN_SLOT : null, tokenHash: sha256(token), createdAt: now, expiresAt },
      }),
      db.user.createMany({
        data: accounts.map((a, i) => ({ id: a.id, email: a.email, name: a.name, role: a.role, passwordHash: hashes[i]!, leaseId: id })),
      }),
    ]);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const active = await db.compareLease.findUnique({ where: { runSlot: RUN_SLOT }, select: { createdAt: true, expiresAt: true } });
    return {
      ok: false,
      refusal: { reason: "run_in_progress", activeSince: active?.createdAt ?? now, expiresAt: active?.expiresAt ?? now },
    };
  }
  return { ok: true, lease: { id, kind: input.kind, token, expiresAt, accounts } };
}

/** Extends a lease still held (a live split-screen in use). False when it is gone. */
export async function extendLease(id: string, expiresAt: Date): Promise<boolean> {
  const { count } = await getDb().compareLease.updateMany({ where: { id }, data: { expiresAt } });
  return count > 0;
}

/**
 * Ends a lease and deletes its accounts (with their sessions, notes and
 * refresh families). Only with the lease's own token; resolves how many
 * accounts were deleted, or null when there is no such lease or the token is wrong.
 */
export async function releaseLease(id: string, token: string): Promise<number | null> {
  const db = getDb();
  const row = await db.compareLease.findUnique({ where: { id }, select: { tokenHash: true } });
  if (!row) return null;
  const given = Buffer.from(sha256(token), "hex");
  const stored = Buffer.from(row.tokenHash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
  const accounts = await db.user.findMany({ where: { leaseId: id }, select: { id: true } });
  const { count } = await db.compareLease.deleteMany({ where: { id } });
  if (count === 0) return null;
  await announceDeleted(accounts.map((a) => a.id));
  return accounts.length;
}

/** Which lease, if any, an account belongs to: admins only ever see and act within their own scope. */
export async function accountScope(userId: string): Promise<{ leaseId: string | null } | null> {
  const row = await getDb().user.findUnique({ where: { id: userId }, select: { leaseId: true } });
  return row && { leaseId: row.leaseId };
}

// ---------------------------------------------------------------------------
// Run history

export type RunStatus = "running" | "done" | "failed" | "aborted";

export interface RunRecord {
  id: string;
  status: RunStatus;
  source: string;
  settings: unknown;
  result: unknown;
  mismatches: number;
  problems: number;
  wallMs: number | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type RunSummaryRecord = Omit<RunRecord, "result">;

/** How many runs the history keeps (the oldest go first). */
export const RUN_HISTORY_LIMIT = 100;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function insertRun(input: { id: string; source: string; settings: unknown; createdAt: Date }): Promise<void> {
  await getDb().compareRun.create({
    data: { id: input.id, status: "running", source: input.source, settings: JSON.stringify(input.settings), createdAt: input.createdAt },
  });
}

export async function finishRun(
  id: string,
  outcome: { status: Exclude<RunStatus, "running">; result: unknown; mismatches: number; problems: number; wallMs: number; error?: string },
): Promise<void> {
  const db = getDb();
  await db.compareRun.updateMany({
    where: { id },
    data: {
      status: outcome.status,
      result: outcome.result === null ? null : JSON.stringify(outcome.result),
      mismatches: outcome.mismatches,
      problems: outcome.problems,
      wallMs: outcome.wallMs,
      error: outcome.error ?? null,
      finishedAt: new Date(),
    },
  });
  // Bounded history: keep the newest RUN_HISTORY_LIMIT.
  const old = await db.compareRun.findMany({ orderBy: { createdAt: "desc" }, skip: RUN_HISTORY_LIMIT, select: { id: true } });
  if (old.length > 0) await db.compareRun.deleteMany({ where: { id: { in: old.map((r) => r.id) } } });
}

/** Runs left "running" by a process that stopped: they will never finish. */
export async function markInterruptedRuns(before: Date): Promise<number> {
  const { count } = await getDb().compareRun.updateMany({
    where: { status: "running", createdAt: { lt: before } },
    data: { status: "aborted", error: "The server stopped during the run.", finishedAt: new Date() },
  });
  return count;
}

const summarySelect = {
  id: true,
  status: true,
  source: true,
  settings: true,
  mismatches: true,
  problems: true,
  wallMs: true,
  error: true,
  createdAt: true,
  finishedAt: true,
} as const;

export async function listRuns(limit: number, before?: Date): Promise<RunSummaryRecord[]> {
  const rows = await getDb().compareRun.findMany({
    where: before ? { createdAt: { lt: before } } : {},
    orderBy: { createdAt: "desc" },
    take: limit,
    select: summarySelect,
  });
  return rows.map((r) => ({ ...r, status: r.status as RunStatus, settings: parseJson(r.settings) }));
}

export async function getRun(id: string): Promise<RunRecord | null> {
  const row = await getDb().compareRun.findUnique({ where: { id } });
  return row && { ...row, status: row.status as RunStatus, settings: parseJson(row.settings), result: parseJson(row.result) };
}

/** The run lease currently held, if any (and not abandoned). */
export async function activeRunLease(now: Date = new Date()): Promise<{ since: Date; expiresAt: Date } | null> {
  const row = await getDb().compareLease.findUnique({ where: { runSlot: RUN_SLOT }, select: { createdAt: true, expiresAt: true } });
  return row && row.expiresAt > now ? { since: row.createdAt, expiresAt: row.expiresAt } : null;
}
