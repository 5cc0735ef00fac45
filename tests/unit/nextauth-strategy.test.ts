import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryContext } from "@/lib/server/http/credential-context";
import { createNextAuthStrategy } from "@/lib/server/strategies/nextauth";
import { alice, fakeVerify } from "../support/fake-clock";

const SECRET = "s".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const OTHER_SECRET = "t".repeat(4) + "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw";

let claimsInDatabase: { name: string; role: string } | null = { name: "Alicia", role: "member" };

function setup(secret = SECRET, ttlSeconds = 3600) {
  return createNextAuthStrategy({ ttlSeconds, secret, verifyCredentials: fakeVerify, loadClaims: async () => claimsInDatabase });
}

async function signIn(strategy: ReturnType<typeof setup>) {
  const ctx = memoryContext();
  const result = await strategy.signIn({ email: "alice@example.com", password: "right-password" }, ctx);
  expect(result).toMatchObject({ ok: true, user: alice });
  return ctx;
}

afterEach(() => {
  vi.useRealTimers();
  claimsInDatabase = { name: "Alicia", role: "member" };
});

describe("nextauth (Auth.js JWT) strategy", () => {
  it("signs in through Auth.js's Credentials provider and reads the session back", async () => {
    const strategy = setup();
    const ctx = await signIn(strategy);
    const cookie = ctx.writes.find((w) => w.name === "authjs.session-token")!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    const { session, user } = await strategy.validate(ctx);
    expect(user).toEqual(alice);
    expect(session?.strategy).toBe("nextauth");
    expect(session!.credentialBytes).toBeGreaterThan(cookie.value.length);
  });

  it("refuses wrong and disabled credentials with distinct reasons", async () => {
    const strategy = setup();
    expect(await strategy.signIn({ email: "alice@example.com", password: "wrong" }, memoryContext())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await strategy.signIn({ email: "nobody@example.com", password: "x" }, memoryContext())).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect(await strategy.signIn({ email: "disabled@example.com", password: "right-password" }, memoryContext())).toEqual({
      ok: false,
      reason: "disabled",
    });
  });

  it("rejects a tampered token", async () => {
    const strategy = setup();
    const ctx = await signIn(strategy);
    const value = ctx.jar.get("authjs.session-token")!;
    const tampered = value.slice(0, -6) + (value.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    expect((await strategy.validate(memoryContext({ cookies: { "authjs.session-token": tampered } }))).session).toBeNull();
  });

  it("rejects a token encrypted under another secret", async () => {
    const ctx = await signIn(setup(OTHER_SECRET));
    expect((await setup().validate(ctx)).session).toBeNull();
  });

  it("rejects an expired token (Auth.js reads the real clock, so time is faked)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const strategy = setup(SECRET, 60);
    const ctx = await signIn(strategy);
    vi.setSystemTime(Date.now() + 30_000);
    expect(
      (await strategy.validate(memoryContext({ cookies: { "authjs.session-token": ctx.jar.get("authjs.session-token")! } }))).session,
    ).not.toBeNull();
    const copy = ctx.jar.get("authjs.session-token")!;
    vi.setSystemTime(Date.now() + 120_000);
    expect((await strategy.validate(memoryContext({ cookies: { "authjs.session-token": copy } }))).session).toBeNull();
  });

  it("treats garbage as no session", async () => {
    const strategy = setup();
    for (const value of ["garbage", "a.b.c.d.e", "x".repeat(8000)]) {
      expect((await strategy.validate(memoryContext({ cookies: { "authjs.session-token": value } }))).session).toBeNull();
    }
  });

  it("sign-out clears the cookie; a copy keeps working until it expires (by design)", async () => {
    const strategy = setup();
    const ctx = await signIn(strategy);
    const copy = ctx.jar.get("authjs.session-token")!;
    await strategy.signOut(ctx);
    expect(ctx.jar.has("authjs.session-token")).toBe(false);
    expect((await strategy.validate(memoryContext({ cookies: { "authjs.session-token": copy } }))).session).not.toBeNull();
  });

  it("reissue re-reads name and role from the database through the jwt callback", async () => {
    const strategy = setup();
    const ctx = await signIn(strategy);
    const current = await strategy.validate(ctx);
    await strategy.reissue(ctx, current as never);
    expect((await strategy.validate(ctx)).user).toMatchObject({ name: "Alicia", role: "member" });
  });

  it("an update for a disabled or deleted user ends the Auth.js session instead of refreshing it", async () => {
    const strategy = setup();
    const ctx = await signIn(strategy);
    const current = await strategy.validate(ctx);
    claimsInDatabase = null;
    await strategy.reissue(ctx, current as never);
    expect(ctx.jar.has("authjs.session-token")).toBe(false);
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("signs in and out with a garbage authjs.callback-url cookie (Auth.js would refuse it with a 500)", async () => {
    const strategy = setup();
    for (const value of ["%%%not-a-url", "javascript:alert(1)", "http://[::1"]) {
      const ctx = memoryContext({ cookies: { "authjs.callback-url": value } });
      expect((await strategy.signIn({ email: "alice@example.com", password: "right-password" }, ctx)).ok).toBe(true);
      await strategy.signOut(ctx);
    }
  });
});
