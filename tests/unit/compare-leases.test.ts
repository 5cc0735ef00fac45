import { afterEach, describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import {
  activeRunLease,
  createLease,
  finishRun,
  getRun,
  insertRun,
  LEASE_EMAIL_DOMAIN,
  listRuns,
  purgeExpiredLeases,
  releaseLease,
  type Lease,
} from "@/lib/server/data/compare";
import { insertSession } from "@/lib/server/data/sessions";
import { createNote } from "@/lib/server/data/notes";
import { listUsers } from "@/lib/server/data/users";
import { getDb } from "@/lib/server/db/client";
import { requireAdminScope } from "@/lib/server/http/api-helpers";
import { ApiError } from "@/lib/server/http/route";
import { RUN_ACCOUNT_SCRYPT } from "@/lib/server/passwords";
import { newUser } from "../support/db-user";

// The comparison lab's accounts: a lease creates them, scopes them, and
// deletes them with everything they own; one run holds the run slot at a time.

const held: Lease[] = [];
async function lease(kind: "run" | "live" = "run", accounts: ("member" | "admin")[] = ["member", "admin"], ttlSeconds = 60) {
  const result = await createLease({ kind, accounts, ttlSeconds, maxLive: 2 });
  if (result.ok) held.push(result.lease);
  return result;
}

afterEach(async () => {
  for (const l of held.splice(0)) await releaseLease(l.id, l.token);
  await getDb().compareLease.deleteMany();
});

describe("leases of throwaway accounts", () => {
  it("creates accounts with their own random passwords, cheap hashes and .invalid emails, that sign in normally", async () => {
    const result = await lease("run", ["member", "member", "admin"]);
    if (!result.ok) throw new Error("refused");
    const { accounts } = result.lease;
    expect(accounts.map((a) => a.role)).toEqual(["member", "member", "admin"]);
    expect(new Set(accounts.map((a) => a.password)).size).toBe(3);
    for (const a of accounts) {
      expect(a.email.endsWith(`@${LEASE_EMAIL_DOMAIN}`)).toBe(true);
      expect(a.password.length).toBeGreaterThanOrEqual(32);
      expect(await verifyCredentials({ email: a.email, password: a.password })).toMatchObject({
        ok: true,
        user: { id: a.id, role: a.role },
      });
      expect(await verifyCredentials({ email: a.email, password: "wrong" })).toEqual({ ok: false, reason: "invalid" });
    }
    const stored = await getDb().user.findUnique({ where: { id: accounts[0]!.id }, select: { passwordHash: true, leaseId: true } });
    expect(stored?.passwordHash.startsWith(`scrypt$${RUN_ACCOUNT_SCRYPT.N}$`)).toBe(true);
    expect(stored?.leaseId).toBe(result.lease.id);
  });

  it("one run at a time: a second run lease is refused until the first is released; concurrent ones yield exactly one", async () => {
    const first = await lease();
    expect(first.ok).toBe(true);
    const second = await lease();
    expect(second).toMatchObject({ ok: false, refusal: { reason: "run_in_progress" } });
    expect(await activeRunLease()).not.toBeNull();
    const l = held.pop()!;
    await releaseLease(l.id, l.token);
    expect(await activeRunLease()).toBeNull();
    const racing = await Promise.all([lease(), lease(), lease()]);
    expect(racing.filter((r) => r.ok)).toHaveLength(1);
  });

  it("live leases do not take the run slot, and their number is capped", async () => {
    expect((await lease("live")).ok).toBe(true);
    expect((await lease("live")).ok).toBe(true);
    expect(await lease("live")).toMatchObject({ ok: false, refusal: { reason: "live_lab_limit", limit: 2 } });
    expect((await lease("run")).ok).toBe(true);
  });

  it("releasing needs the lease's own token, and deletes the accounts with their sessions and notes", async () => {
    const result = await lease("run", ["member"]);
    if (!result.ok) throw new Error("refused");
    const { id, token, accounts } = result.lease;
    const userId = accounts[0]!.id;
    const now = new Date();
    await insertSession({
      id: `s-${id}`,
      tokenHash: `h-${id}`,
      userId,
      createdAt: now,
      expiresAt: now,
      absoluteExpiresAt: now,
      userAgent: null,
      sessionVersion: 0,
    });
    await createNote(userId, { title: "mine", body: "" });
    expect(await releaseLease(id, "not-the-token")).toBeNull();
    expect(await releaseLease("no-such-lease", token)).toBeNull();
    expect(await getDb().user.count({ where: { id: userId } })).toBe(1);
    expect(await releaseLease(id, token)).toBe(1);
    held.pop();
    expect(await getDb().user.count({ where: { id: userId } })).toBe(0);
    expect(await getDb().session.count({ where: { userId } })).toBe(0);
    expect(await getDb().note.count({ where: { userId } })).toBe(0);
    expect(await releaseLease(id, token)).toBeNull(); // once
  });

  it("an abandoned lease (past its expiry) is purged with its accounts, and frees the run slot", async () => {
    const stale = await createLease({ kind: "run", accounts: ["member"], ttlSeconds: 1, now: new Date(Date.now() - 60_000) });
    if (!stale.ok) throw new Error("refused");
    expect(await purgeExpiredLeases(new Date())).toBe(1);
    expect(await getDb().user.count({ where: { id: stale.lease.accounts[0]!.id } })).toBe(0);
    const again = await createLease({ kind: "run", accounts: ["member"], ttlSeconds: 1, now: new Date(Date.now() - 60_000) });
    expect(again.ok).toBe(true);
    expect((await lease()).ok).toBe(true); // the next lease purges the abandoned one first
  });
});

describe("admin scope: run admins and ordinary admins never see or touch each other's accounts", () => {
  it("lists only the caller's scope, and refuses a target of another scope as not found", async () => {
    const demo = await newUser("Demo", "admin");
    const result = await lease("run", ["member", "admin"]);
    if (!result.ok) throw new Error("refused");
    const [member, runAdmin] = result.lease.accounts;
    const ordinary = await listUsers(null);
    expect(ordinary.some((u) => u.id === demo.id)).toBe(true);
    expect(ordinary.some((u) => u.id === member!.id || u.id === runAdmin!.id)).toBe(false);
    expect((await listUsers(result.lease.id)).map((u) => u.id).sort()).toEqual([member!.id, runAdmin!.id].sort());

    await expect(requireAdminScope(runAdmin!.id, member!.id)).resolves.toBeUndefined();
    await expect(requireAdminScope(demo.id, demo.id)).resolves.toBeUndefined();
    for (const [actor, target] of [
      [runAdmin!.id, demo.id],
      [demo.id, member!.id],
      [runAdmin!.id, "no-such-user"],
    ] as const) {
      const refusal = await requireAdminScope(actor, target).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(ApiError);
      expect((refusal as ApiError).code).toBe("not_found");
    }
  });
});

describe("run history", () => {
  it("stores a run with its settings, finishes it with its result, and pages newest first", async () => {
    const base = Date.now();
    const ids = [0, 1, 2].map((i) => `test_run_${base}_${i}`);
    for (const [i, id] of ids.entries())
      await insertRun({ id, source: "page", settings: { pollMs: 250 + i }, createdAt: new Date(base + i) });
    await finishRun(ids[2]!, { status: "done", result: { cells: [] }, mismatches: 1, problems: 0, wallMs: 1234 });
    expect(await getRun(ids[2]!)).toMatchObject({
      status: "done",
      settings: { pollMs: 252 },
      result: { cells: [] },
      mismatches: 1,
      wallMs: 1234,
    });
    expect(await getRun(ids[0]!)).toMatchObject({ status: "running", result: null });
    const page = await listRuns(2);
    expect(page.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect((await listRuns(5, page[1]!.createdAt)).map((r) => r.id)[0]).toBe(ids[0]);
    expect(await getRun("no-such-run")).toBeNull();
  });
});
