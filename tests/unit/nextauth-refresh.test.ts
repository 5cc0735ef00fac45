import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { VARIANTS } from "@/lib/catalog/variants";
import { verifyCredentials, type CredentialCheck } from "@/lib/server/auth/credentials";
import { getDb } from "@/lib/server/db/client";
import { getSessionClaims, getSessionState, updateUser } from "@/lib/server/data/users";
import { describeSessionCookie, SESSION_COOKIES } from "@/lib/server/cookies";
import { memoryContext } from "@/lib/server/http/credential-context";
import { databaseStores } from "@/lib/server/stores/database";
import { createNextAuthStrategy, type NextAuthOptions } from "@/lib/server/strategies/nextauth";
import type { SessionStrategy } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";
import { newUser, TEST_PASSWORD } from "../support/db-user";

const SECRET = "n".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const COOKIE = describeSessionCookie({ secure: false }, SESSION_COOKIES["nextauth-refresh"]).name;
let user: { id: string; email: string };

beforeEach(async () => {
  user = await newUser("Nina", "admin");
});
afterEach(() => {
  vi.useRealTimers();
});

async function fastVerify(): Promise<CredentialCheck> {
  const state = await getSessionState(user.id);
  return state
    ? { ok: true, user: { id: user.id, name: state.name, role: state.role }, sessionVersion: state.sessionVersion }
    : { ok: false, reason: "invalid" };
}

function setup(extra: Partial<NextAuthOptions> = {}) {
  const stores = databaseStores();
  const base: NextAuthOptions = { ttlSeconds: 3600, secret: SECRET, verifyCredentials: fastVerify, loadClaims: getSessionClaims };
  return {
    stores,
    strategy: createNextAuthStrategy({
      ...base,
      id: "nextauth-refresh",
      cookie: SESSION_COOKIES["nextauth-refresh"],
      recheck: stores.sessionVersions,
      ...extra,
    }),
    plain: createNextAuthStrategy({ ...base, ...extra }),
  };
}

async function signIn(strategy: SessionStrategy) {
  const ctx = memoryContext();
  const result = await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, ctx);
  expect(result.ok).toBe(true);
  return ctx;
}

/** A second device holding a copy of the token (it does not keep the re-issued cookies). */
const copyOf = (ctx: ReturnType<typeof memoryContext>) => () => memoryContext({ cookies: { [COOKIE]: ctx.jar.get(COOKIE)! } });

describe("nextauth-refresh: the jwt callback re-reads the user on every read", () => {
  it("uses its own cookie and reads the user once per check", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    expect([...ctx.jar.keys()]).toContain(COOKIE);
    expect([...ctx.jar.keys()]).not.toContain("authjs.session-token");
    const { result, timing } = await measure(() => strategy.validate(ctx));
    expect(result.session?.strategy).toBe("nextauth-refresh");
    expect(timing.db.count).toBe(VARIANTS["nextauth-refresh"].lookupsPerCheck);
  });

  it("over https its cookie gets Auth.js's __Secure- prefix, as described in SESSION_COOKIES", async () => {
    const { strategy } = setup();
    const ctx = memoryContext({ secure: true });
    expect((await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
    const name = describeSessionCookie({ secure: true }, SESSION_COOKIES["nextauth-refresh"]).name;
    expect(name).toBe("__Secure-authjs.nextauth-refresh.session-token");
    expect(ctx.writes.find((w) => w.name === name)).toMatchObject({ secure: true, httpOnly: true });
    expect((await strategy.validate(ctx)).session).not.toBeNull();
  });

  it("serves the database's name and role on the next read (no staleness)", async () => {
    const { strategy } = setup();
    const device = copyOf(await signIn(strategy));
    await updateUser(user.id, { name: "Nina Member", role: "member" });
    expect((await strategy.validate(device())).user).toMatchObject({ name: "Nina Member", role: "member" });
  });

  it("disabling, a password change, revoke all or deleting the user ends every token on its next read", async () => {
    const { strategy } = setup();
    const a = copyOf(await signIn(strategy));
    await updateUser(user.id, { disabled: true });
    expect((await strategy.validate(a())).session).toBeNull();
    await updateUser(user.id, { disabled: false });
    expect((await strategy.validate(a())).session).toBeNull(); // the bump stays

    const b = copyOf(await signIn(strategy));
    await updateUser(user.id, { passwordHash: "other" });
    expect((await strategy.validate(b())).session).toBeNull();

    const c = copyOf(await signIn(strategy));
    const revokeAll = strategy.capabilities.revokeAllSessions;
    if (!revokeAll.supported) throw new Error("revoke all should be supported");
    expect(await revokeAll.run(user.id)).toBeNull();
    expect((await strategy.validate(c())).session).toBeNull();

    const d = copyOf(await signIn(strategy));
    await getDb().user.delete({ where: { id: user.id } });
    expect((await strategy.validate(d())).session).toBeNull();
  });

  it("the device that changed the password adopts the new version through the server's own update()", async () => {
    const { strategy, stores } = setup();
    const here = await signIn(strategy);
    const there = copyOf(await signIn(strategy));
    const current = await strategy.validate(here);
    await stores.sessionVersions.bump(user.id);
    await strategy.reissue(here, current as never); // a plain update does not adopt…
    expect((await strategy.validate(here)).session).toBeNull();

    const here2 = await signIn(strategy);
    const current2 = await strategy.validate(here2);
    await stores.sessionVersions.bump(user.id);
    await strategy.reissue(here2, current2 as never, { adoptSessionVersion: true }); // …the server's adoption does
    expect((await strategy.validate(here2)).session).not.toBeNull();
    expect((await strategy.validate(there())).session).toBeNull();
  });

  it("sign-out bumps nothing: a copy keeps working (what the catalog says)", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const copy = copyOf(ctx)();
    await strategy.signOut(ctx);
    expect((await strategy.validate(copy)).session).not.toBeNull();
    expect(VARIANTS["nextauth-refresh"].expected["sign-out"].window).toBe("sliding");
    expect(strategy.capabilities.revokeSession.supported).toBe(false);
  });

  it("a sign-in whose password check raced a bump gets no session", async () => {
    const check = await verifyCredentials({ email: user.email, password: TEST_PASSWORD });
    const { strategy, stores } = setup({ verifyCredentials: async () => check });
    await stores.sessionVersions.bump(user.id);
    const result = await strategy.signIn({ email: user.email, password: TEST_PASSWORD }, memoryContext());
    expect(result.ok).toBe(false);
  });

  it("tokens never cross variants: plain nextauth ignores this cookie and vice versa", async () => {
    const { strategy, plain } = setup();
    const refreshed = (await signIn(strategy)).jar.get(COOKIE)!;
    const original = (await signIn(plain)).jar.get("authjs.session-token")!;
    expect((await plain.validate(memoryContext({ cookies: { "authjs.session-token": refreshed } }))).session).toBeNull();
    expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: original } }))).session).toBeNull();
  });

  it("a matrix-profile token is refused by a longer-lived instance (Auth.js would re-encode it with the longer maxAge)", async () => {
    const matrix = setup({ ttlSeconds: 5, profileTag: "matrix" }).strategy;
    const production = setup().strategy;
    const token = copyOf(await signIn(matrix));
    expect((await matrix.validate(token())).session).not.toBeNull();
    expect((await production.validate(token())).session).toBeNull();
    // The other way round only shortens: a production token read under the matrix profile gets the short expiry.
    const prodToken = copyOf(await signIn(production));
    const read = await matrix.validate(prodToken());
    expect(read.session!.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5000);
  });
});
