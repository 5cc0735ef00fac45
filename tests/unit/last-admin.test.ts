import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { changeUserAsAdmin, createUser } from "@/lib/server/data/users";
import { getDb } from "@/lib/server/db/client";

// The last enabled admin of a scope can be neither demoted nor disabled, and a
// demoted admin's stale credential cannot act: the acting admin is re-read in
// the transaction. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL.

/** Two admins in a scope of their own (a lease), so other tests' admins do not count. */
async function twoAdmins() {
  const db = getDb();
  const leaseId = randomUUID();
  await db.compareLease.create({ data: { id: leaseId, kind: "run", tokenHash: "x", expiresAt: new Date(Date.now() + 60_000) } });
  const make = async (name: string) => {
    const { id } = await createUser({ email: `${name}-${randomUUID()}@example.com`, name, role: "admin", passwordHash: "x" });
    await db.user.update({ where: { id }, data: { leaseId } });
    return id;
  };
  return { leaseId, a: await make("ada"), b: await make("bea") };
}

const enabledAdmins = (leaseId: string) => getDb().user.count({ where: { leaseId, role: "admin", disabled: false } });

describe("the last admin cannot be removed", () => {
  it("refuses to demote or disable the only other admin once the actor was demoted (stale credential)", async () => {
    const { leaseId, a, b } = await twoAdmins();
    expect((await changeUserAsAdmin(a, b, { role: "member" })).ok).toBe(true);
    // b's credential may still say "admin": the database says otherwise.
    expect(await changeUserAsAdmin(b, a, { role: "member" })).toEqual({ ok: false, reason: "actor_not_admin" });
    expect(await changeUserAsAdmin(b, a, { disabled: true })).toEqual({ ok: false, reason: "actor_not_admin" });
    expect(await enabledAdmins(leaseId)).toBe(1);
  });

  it("refuses a change that leaves no enabled admin (last_admin), and rolls it back", async () => {
    const { leaseId, a, b } = await twoAdmins();
    // The routes also refuse changes to one's own account; the data layer holds the invariant by itself.
    expect((await changeUserAsAdmin(a, a, { role: "member" })).ok).toBe(true); // b remains
    expect(await changeUserAsAdmin(b, b, { role: "member" })).toEqual({ ok: false, reason: "last_admin" });
    expect(await changeUserAsAdmin(b, b, { disabled: true })).toEqual({ ok: false, reason: "last_admin" });
    expect(await getDb().user.findUniqueOrThrow({ where: { id: b }, select: { role: true, disabled: true } })).toEqual({
      role: "admin",
      disabled: false,
    });
    expect(await enabledAdmins(leaseId)).toBe(1);
  });

  it("two admins demoting each other at the same moment leave one admin", async () => {
    for (let round = 0; round < 5; round++) {
      const { leaseId, a, b } = await twoAdmins();
      const results = await Promise.all([changeUserAsAdmin(a, b, { role: "member" }), changeUserAsAdmin(b, a, { role: "member" })]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(await enabledAdmins(leaseId)).toBe(1);
    }
  });

  it("two admins disabling each other at the same moment leave one enabled admin", async () => {
    const { leaseId, a, b } = await twoAdmins();
    const results = await Promise.all([changeUserAsAdmin(a, b, { disabled: true }), changeUserAsAdmin(b, a, { disabled: true })]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await enabledAdmins(leaseId)).toBe(1);
  });
});
