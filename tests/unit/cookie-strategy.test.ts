import { sealData } from "iron-session";
import { describe, expect, it } from "vitest";
import { memoryContext } from "@/lib/server/http/credential-context";
import { createCookieStrategy } from "@/lib/server/strategies/cookie";
import { alice, fakeClock, fakeVerify } from "../support/fake-clock";

const PASSWORD = "p".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const NEW_PASSWORD = "q".repeat(4) + "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw";

function setup(password: string | Record<string, string> = PASSWORD, ttlSeconds = 3600) {
  const clock = fakeClock(Date.now());
  return { clock, strategy: createCookieStrategy({ clock, ttlSeconds, password, verifyCredentials: fakeVerify }) };
}

async function signIn(strategy: ReturnType<typeof setup>["strategy"], secure = false) {
  const ctx = memoryContext({ secure });
  const result = await strategy.signIn({ email: "alice@example.com", password: "right-password" }, ctx);
  expect(result.ok).toBe(true);
  return ctx;
}

describe("cookie (iron-session) strategy", () => {
  it("seals the session into an HttpOnly, SameSite=Lax cookie and validates it", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const write = ctx.writes[0]!;
    expect(write).toMatchObject({ name: "lab-cookie", httpOnly: true, sameSite: "lax", path: "/", secure: false });
    expect(write.maxAge).toBeGreaterThanOrEqual(3599);
    expect(write.maxAge).toBeLessThanOrEqual(3600);
    expect(write.value).not.toContain("Alice"); // encrypted, not just signed
    const { session, user } = await strategy.validate(ctx);
    expect(user).toEqual(alice);
    expect(session?.credentialBytes).toBe(`lab-cookie=${write.value}`.length);
  });

  it("uses Secure and the __Host- prefix over https", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy, true);
    expect(ctx.writes[0]).toMatchObject({ name: "__Host-lab-cookie", secure: true, path: "/" });
    expect((await strategy.validate(ctx)).session).not.toBeNull();
  });

  it("rejects a tampered seal", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const value = ctx.jar.get("lab-cookie")!;
    const i = Math.floor(value.length / 2);
    const flipped = value.slice(0, i) + (value[i] === "a" ? "b" : "a") + value.slice(i + 1);
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie": flipped } }))).session).toBeNull();
  });

  it("rejects an expired seal by its own exp, even if the browser keeps the cookie", async () => {
    const { strategy, clock } = setup(PASSWORD, 300);
    const ctx = await signIn(strategy);
    clock.advance(299);
    expect((await strategy.validate(ctx)).session).not.toBeNull();
    clock.advance(1);
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("rejects a seal made with another password", async () => {
    const { strategy } = setup();
    const other = setup(NEW_PASSWORD).strategy;
    const ctx = await signIn(other);
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("accepts seals of an older password during rotation and seals with the newest", async () => {
    const old = setup({ 1: PASSWORD }).strategy;
    const rotated = setup({ 2: NEW_PASSWORD, 1: PASSWORD }).strategy;
    const oldCtx = await signIn(old);
    expect((await rotated.validate(oldCtx)).session).not.toBeNull();
    const newCtx = await signIn(rotated);
    expect((await old.validate(newCtx)).session).toBeNull(); // the old-only server cannot read new seals
  });

  it("rejects a validly sealed payload of the wrong shape", async () => {
    const { strategy } = setup();
    const value = await sealData({ uid: "x", role: "superuser", iat: 1, exp: 9e9 }, { password: PASSWORD });
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie": value } }))).session).toBeNull();
  });

  it.each([
    ["garbage", "not-a-seal"],
    ["almost a seal", "Fe26.2**a*b*c*d*e*f*g~2"],
    ["oversized", "x".repeat(10_000)],
    ["empty", ""],
  ])("treats a %s cookie as no session", async (_label, value) => {
    const { strategy } = setup();
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie": value } }))).session).toBeNull();
  });

  it("reissue re-seals the given claims with the original iat and exp", async () => {
    const { strategy, clock } = setup(PASSWORD, 3600);
    const ctx = await signIn(strategy);
    const current = await strategy.validate(ctx);
    if (!current.session) throw new Error("no session");
    clock.advance(1800);
    await strategy.reissue(ctx, { session: current.session, user: { ...current.user, name: "Alicia", role: "member" } });
    const after = await strategy.validate(ctx);
    expect(after.user).toMatchObject({ name: "Alicia", role: "member" });
    expect(after.session?.expiresAt).toEqual(current.session.expiresAt);
    expect(after.session?.issuedAt).toEqual(current.session.issuedAt);
    clock.advance(1800);
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("sign-out clears the cookie but a copied seal stays valid (by design)", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const copy = ctx.jar.get("lab-cookie")!;
    await strategy.signOut(ctx);
    expect(ctx.jar.has("lab-cookie")).toBe(false);
    expect((await strategy.validate(ctx)).session).toBeNull();
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie": copy } }))).session).not.toBeNull();
    expect(strategy.capabilities.revokeAllSessions.supported).toBe(false);
  });
});
