import { describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { createUser } from "@/lib/server/data/users";
import { getDb } from "@/lib/server/db/client";
import { hashParams, hashPassword, needsRehash, newPasswordProblem, PASSWORD_SCRYPT, RUN_ACCOUNT_SCRYPT } from "@/lib/server/passwords";
import { randomUUID } from "node:crypto";

describe("password storage at OWASP's cost, with transparent upgrade", () => {
  it("hashes new passwords with OWASP's scrypt N=2^15, r=8, p=3 (32 MiB, the cheat sheet's equivalent of 2^17 at 128 MiB)", async () => {
    expect(PASSWORD_SCRYPT).toEqual({ N: 2 ** 15, r: 8, p: 3 });
    expect(hashParams(await hashPassword("some password"))).toEqual({ N: 2 ** 15, r: 8, p: 3 });
  });

  it("moves a hash of the older 128 MiB setting to the current one at sign-in", async () => {
    const email = `big-${randomUUID()}@example.com`;
    const old = await hashPassword("an-old-password", { N: 2 ** 17, r: 8, p: 1 });
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword("x", PASSWORD_SCRYPT))).toBe(false);
    await createUser({ email, name: "Max", role: "member", passwordHash: old });
    expect((await verifyCredentials({ email, password: "an-old-password" })).ok).toBe(true);
    expect(hashParams((await getDb().user.findUniqueOrThrow({ where: { email } })).passwordHash)).toEqual(PASSWORD_SCRYPT);
  });

  it("upgrades an older, cheaper hash at the next successful sign-in, without ending sessions", async () => {
    const email = `old-${randomUUID()}@example.com`;
    const weak = await hashPassword("an-old-password", { N: 2 ** 14, r: 8, p: 1 });
    expect(needsRehash(weak)).toBe(true);
    const { id } = await createUser({ email, name: "Olga", role: "member", passwordHash: weak });
    const before = await getDb().user.findUniqueOrThrow({ where: { id } });
    expect((await verifyCredentials({ email, password: "wrong-one" })).ok).toBe(false);
    expect((await getDb().user.findUniqueOrThrow({ where: { id } })).passwordHash).toBe(weak); // only with the right password
    expect((await verifyCredentials({ email, password: "an-old-password" })).ok).toBe(true);
    const after = await getDb().user.findUniqueOrThrow({ where: { id } });
    expect(hashParams(after.passwordHash)).toEqual(PASSWORD_SCRYPT);
    expect(after.sessionVersion).toBe(before.sessionVersion);
    expect((await verifyCredentials({ email, password: "an-old-password" })).ok).toBe(true);
  });

  it("never upgrades a comparison run's leased account (its cheap cost is deliberate)", async () => {
    const db = getDb();
    const leaseId = randomUUID();
    await db.compareLease.create({ data: { id: leaseId, kind: "run", tokenHash: "x", expiresAt: new Date(Date.now() + 60_000) } });
    const email = `run-${randomUUID()}@example.com`;
    const cheap = await hashPassword("a-random-run-password", RUN_ACCOUNT_SCRYPT);
    const { id } = await createUser({ email, name: "Run", role: "member", passwordHash: cheap });
    await db.user.update({ where: { id }, data: { leaseId } });
    expect((await verifyCredentials({ email, password: "a-random-run-password" })).ok).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { id } })).passwordHash).toBe(cheap);
  });
});

describe("new passwords: not common or breached, and not the current one", () => {
  it("refuses common passwords from the breach list, case-insensitively and with digits appended", async () => {
    for (const weak of ["password1234", "PASSWORD1234", "qwertyuiop123", "iloveyou12345!", "aaaaaaaaaaaa", "123456789012"]) {
      expect(await newPasswordProblem(weak), weak).not.toBeNull();
    }
  });

  it("refuses the current password as the new one", async () => {
    expect(await newPasswordProblem("a-long-and-unusual-phrase", "a-long-and-unusual-phrase")).toMatch(/differ/);
  });

  it("accepts an uncommon password", async () => {
    expect(await newPasswordProblem("lantern-oyster-4-velvet")).toBeNull();
    expect(await newPasswordProblem("a-new-password-123", "lab-demo-password")).toBeNull();
  });
});

describe("DEMO_PASSWORD outside the demo", () => {
  it("is refused when it is a common password, even a long one that env.ts let through", async () => {
    const { seedPasswordProblem } = await import("@/lib/server/startup");
    // 16+ characters and 8+ distinct ones (env.ts's checks), yet a breached password with digits appended.
    expect(await seedPasswordProblem({ demo: false, seedPassword: "iloveyou12345678!" })).toMatch(/DEMO_PASSWORD is refused.*common/);
    expect(await seedPasswordProblem({ demo: false, seedPassword: "a-long-lab-demo-password-42" })).toBeNull();
    // The demo seeds its published default by design, and no password means no demo accounts.
    expect(await seedPasswordProblem({ demo: true, seedPassword: "iloveyou12345678!" })).toBeNull();
    expect(await seedPasswordProblem({ demo: false, seedPassword: null })).toBeNull();
  });
});
