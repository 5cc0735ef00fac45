import { beforeEach, describe, expect, it } from "vitest";
import { VARIANTS } from "@/lib/catalog/variants";
import { verifyCredentials, type CredentialCheck } from "@/lib/server/auth/credentials";
import { getDb } from "@/lib/server/db/client";
import { getSessionState, updateUser } from "@/lib/server/data/users";
import { SESSION_COOKIES } from "@/lib/server/cookies";
import { memoryContext } from "@/lib/server/http/credential-context";
import { databaseStores } from "@/lib/server/stores/database";
import { createCookieStrategy } from "@/lib/server/strategies/cookie";
import type { SessionStrategy } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { fakeClock } from "../support/fake-clock";

const PASSWORD = "p".repeat(8) + "0123456789abcdefghijklmnopqrstuvwxyz";
let user: { id: string; email: string };

beforeEach(async () => {
  user = await newUser("Cora", "admin");
});

async function fastVerify(): Promise<CredentialCheck> {
  const state = await getSessionState(user.id);
  return state
    ? { ok: true, user: { id: user.id, name: state.name, role: state.role }, sessionVersion: state.sessionVersion }
    : { ok: false, reason: "invalid" };
}

function setup(verify: () => Promise<CredentialCheck> = fastVerify) {
  const clock = fakeClock(Date.now());
  const stores = databaseStores(clock);
  const options = { clock, ttlSeconds: 3600, password: PASSWORD, verifyCredentials: verify };
  return {
    clock,
    stores,
    strategy: createCookieStrategy({
      ...options,
      id: "cookie-version",
      cookie: SESSION_COOKIES["cookie-version"],
      versionCheck: stores.sessionVersions,
    }),
    plain: createCookieStrategy(options),
  };
}

async function signIn(strategy: SessionStrategy) {
  const ctx = memoryContext();
  const result = await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, ctx);
  expect(result.ok).toBe(true);
  return ctx;
}

const copyOf = (ctx: ReturnType<typeof memoryContext>) => memoryContext({ cookies: Object.fromEntries(ctx.jar) });

describe("cookie-version: the seal carries sessionVersion, compared per request", () => {
  it("validates with one indexed read, in its own cookie", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    expect([...ctx.jar.keys()]).toEqual(["lab-cookie-version"]);
    const { result, timing } = await measure(() => strategy.validate(ctx));
    expect(result.user).toEqual({ id: user.id, name: "Cora", role: "admin" });
    expect(result.session?.strategy).toBe("cookie-version");
    expect(timing.db.count).toBe(VARIANTS["cookie-version"].lookupsPerCheck);
  });

  it("revoke all (a version bump) ends every seal of the user on the next request", async () => {
    const { strategy } = setup();
    const a = await signIn(strategy);
    const b = await signIn(strategy);
    const revokeAll = strategy.capabilities.revokeAllSessions;
    if (!revokeAll.supported) throw new Error("revoke all should be supported");
    expect(await revokeAll.run(user.id)).toBeNull(); // uncountable, but all ended
    expect((await strategy.validate(a)).session).toBeNull();
    expect((await strategy.validate(b)).session).toBeNull();
    expect((await strategy.validate(await signIn(strategy))).session).not.toBeNull(); // a new sign-in carries the new version
  });

  it("disabling, a password change or deleting the user ends the seal", async () => {
    const { strategy } = setup();
    const disabled = await signIn(strategy);
    await updateUser(user.id, { disabled: true });
    expect((await strategy.validate(disabled)).session).toBeNull();
    await updateUser(user.id, { disabled: false });
    expect((await strategy.validate(disabled)).session).toBeNull(); // re-enabling does not revive it

    const changed = await signIn(strategy);
    await updateUser(user.id, { passwordHash: "new-hash" });
    expect((await strategy.validate(changed)).session).toBeNull();

    const deleted = await signIn(strategy);
    await getDb().user.delete({ where: { id: user.id } });
    expect((await strategy.validate(deleted)).session).toBeNull();
  });

  it("does not fix sign-out, one device, or staleness (what the catalog says)", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const copy = copyOf(ctx);
    await strategy.signOut(ctx);
    expect(ctx.jar.size).toBe(0);
    expect((await strategy.validate(copy)).session).not.toBeNull(); // sign-out bumps nothing
    await updateUser(user.id, { role: "member", name: "Renamed" });
    expect((await strategy.validate(copy)).user).toMatchObject({ role: "admin", name: "Cora" }); // no bump for a role change
    expect(strategy.capabilities.revokeSession.supported).toBe(false);
    expect(VARIANTS["cookie-version"].expected["role-demotion"].window).toBe("credential");
  });

  it("reissue keeps the sealed version, so a bump in between still ends it; adopting takes the new one", async () => {
    const { strategy, stores } = setup();
    const ctx = await signIn(strategy);
    const current = await strategy.validate(ctx);
    if (!current.session) throw new Error("no session");
    await stores.sessionVersions.bump(user.id);
    await strategy.reissue(ctx, current);
    expect((await strategy.validate(ctx)).session).toBeNull();
    await strategy.reissue(ctx, current, { adoptSessionVersion: true });
    const after = await strategy.validate(ctx);
    expect(after.session?.expiresAt).toEqual(current.session.expiresAt); // and never a longer life
  });

  it("a sign-in whose password check raced a bump issues a dead seal", async () => {
    const check = await verifyCredentials({ email: user.email, password: TEST_PASSWORD });
    const { strategy, stores } = setup(async () => check);
    await stores.sessionVersions.bump(user.id);
    expect((await strategy.validate(await signIn(strategy))).session).toBeNull();
  });

  it("seals never cross variants: plain cookie and cookie-version refuse each other's seals", async () => {
    const { strategy, plain } = setup();
    const versioned = (await signIn(strategy)).jar.get("lab-cookie-version")!;
    const unversioned = (await signIn(plain)).jar.get("lab-cookie")!;
    expect((await plain.validate(memoryContext({ cookies: { "lab-cookie": versioned } }))).session).toBeNull();
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie-version": unversioned } }))).session).toBeNull();
  });
});
