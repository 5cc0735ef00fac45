import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { describeSessionCookie, expiredCookieWrite, SESSION_COOKIES } from "@/lib/server/cookies";
import { getDb } from "@/lib/server/db/client";
import { createUser, updateUser } from "@/lib/server/data/users";
import { memoryContext } from "@/lib/server/http/credential-context";
import { hashPassword } from "@/lib/server/passwords";
import { createStatefulStrategy, hashToken } from "@/lib/server/strategies/stateful";
import { fakeClock } from "../support/fake-clock";

const PASSWORD = "right-password";
let email: string;
let userId: string;
let passwordHash: string;

function setup(idleSeconds = 600, absoluteSeconds = 3600, activityResolutionSeconds = 10_000) {
  const clock = fakeClock(Date.now());
  return { clock, strategy: createStatefulStrategy({ clock, idleSeconds, absoluteSeconds, activityResolutionSeconds, verifyCredentials }) };
}

async function signIn(strategy: ReturnType<typeof setup>["strategy"], cookies: Record<string, string> = {}) {
  const ctx = memoryContext({ cookies });
  const result = await strategy.signIn({ email, password: PASSWORD }, ctx);
  expect(result.ok).toBe(true);
  return ctx;
}

beforeEach(async () => {
  passwordHash ??= await hashPassword(PASSWORD);
  email = `user-${randomUUID()}@example.com`;
  userId = (await createUser({ email, name: "Stella", role: "member", passwordHash })).id;
});

describe("stateful strategy", () => {
  it("issues a 256-bit opaque token and stores only its SHA-256 hash", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const token = ctx.jar.get("lab-stateful")!;
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const rows = await getDb().session.findMany({ where: { userId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.tokenHash).toBe(hashToken(token));
    expect(rows[0]!.tokenHash).not.toContain(token);
    expect(rows[0]!.id).not.toBe(token);
    const { session, user } = await strategy.validate(ctx);
    expect(user).toEqual({ id: userId, name: "Stella", role: "member" });
    expect(session?.id).toBe(rows[0]!.id);
  });

  it("gives identical answers for a wrong password and an unknown email", async () => {
    const { strategy } = setup();
    const wrong = await strategy.signIn({ email, password: "wrong" }, memoryContext());
    const unknown = await strategy.signIn({ email: "nobody@example.com", password: "wrong" }, memoryContext());
    expect(wrong).toEqual({ ok: false, reason: "invalid" });
    expect(unknown).toEqual(wrong);
  });

  it("refuses a disabled user, and ends their sessions on the next request", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    await updateUser(userId, { disabled: true });
    expect((await strategy.validate(ctx)).session).toBeNull();
    expect(await strategy.signIn({ email, password: PASSWORD }, memoryContext())).toEqual({ ok: false, reason: "disabled" });
  });

  it("sees name and role changes on the next request", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    await updateUser(userId, { name: "Renamed", role: "admin" });
    expect((await strategy.validate(ctx)).user).toMatchObject({ name: "Renamed", role: "admin" });
  });

  it("rejects a tampered or unknown token", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const token = ctx.jar.get("lab-stateful")!;
    const tampered = (token[0] === "A" ? "B" : "A") + token.slice(1);
    for (const value of [tampered, "x".repeat(43), "garbage", "", "a".repeat(5000)]) {
      expect((await strategy.validate(memoryContext({ cookies: { "lab-stateful": value } }))).session).toBeNull();
    }
  });

  it("expires after the idle timeout and slides while in use", async () => {
    const { strategy, clock } = setup(600, 3600);
    const ctx = await signIn(strategy);
    clock.advance(400); // past half the idle window: this request slides the expiry
    const slid = await strategy.validate(ctx);
    expect(slid.session!.expiresAt.getTime()).toBe(clock.now() + 600_000);
    clock.advance(599);
    expect((await strategy.validate(ctx)).session).not.toBeNull();
    clock.advance(600);
    expect((await strategy.validate(ctx)).session).toBeNull();
    expect(await getDb().session.count({ where: { userId } })).toBe(0); // expired rows are removed
  });

  it("expires at the absolute lifetime however active the session is", async () => {
    const { strategy, clock } = setup(600, 1000);
    const ctx = await signIn(strategy);
    for (let t = 250; t <= 750; t += 250) {
      clock.advance(250); // active every 250 s: the idle expiry keeps sliding...
      expect((await strategy.validate(ctx)).session).not.toBeNull();
    }
    clock.advance(249); // t = 999 s
    expect((await strategy.validate(ctx)).session!.expiresAt.getTime()).toBeLessThanOrEqual(clock.now() + 1000);
    clock.advance(1); // ...but never past the absolute limit of 1000 s
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("writes at most once per half idle window, and not at all once capped by the absolute expiry", async () => {
    const { strategy, clock } = setup(600, 1000);
    const ctx = await signIn(strategy);
    const lastSeen = async () => (await getDb().session.findFirstOrThrow({ where: { userId } })).lastSeenAt.getTime();
    const signedInAt = await lastSeen();
    clock.advance(200);
    await strategy.validate(ctx);
    expect(await lastSeen()).toBe(signedInAt); // 400 s of idle left: no write
    clock.advance(200);
    await strategy.validate(ctx); // 200 s left: slides to the absolute limit (t = 1000)
    const slidAt = await lastSeen();
    expect(slidAt).toBe(clock.now());
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      await strategy.validate(ctx); // capped: expiry cannot move, so no more writes
    }
    expect(await lastSeen()).toBe(slidAt);
  });

  it("records activity at most once per resolution window", async () => {
    const { strategy, clock } = setup(7 * 86400, 30 * 86400, 300);
    const ctx = await signIn(strategy);
    const lastSeen = async () => (await getDb().session.findFirstOrThrow({ where: { userId } })).lastSeenAt.getTime();
    const start = await lastSeen();
    clock.advance(299);
    await strategy.validate(ctx);
    expect(await lastSeen()).toBe(start);
    clock.advance(1);
    await strategy.validate(ctx);
    expect(await lastSeen()).toBe(clock.now());
  });

  it("sign-out deletes the row, so a copied cookie stops working", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    const copy = ctx.jar.get("lab-stateful")!;
    await strategy.signOut(ctx);
    expect(ctx.jar.has("lab-stateful")).toBe(false);
    expect((await strategy.validate(memoryContext({ cookies: { "lab-stateful": copy } }))).session).toBeNull();
  });

  it("over https, sets and expires one __Host- cookie with the same attributes", async () => {
    const { strategy } = setup();
    const ctx = memoryContext({ secure: true });
    expect((await strategy.signIn({ email, password: PASSWORD }, ctx)).ok).toBe(true);
    expect((await strategy.validate(ctx)).session).not.toBeNull();
    await strategy.signOut(ctx);
    const cookie = describeSessionCookie(ctx, SESSION_COOKIES.stateful);
    expect(ctx.writes[0]).toMatchObject({ name: "__Host-lab-stateful", ...cookie.attributes, secure: true });
    expect(ctx.writes.at(-1)).toEqual(expiredCookieWrite(cookie));
  });

  it("never adopts a pre-set token (fixation): sign-in issues a new one and forgets the old", async () => {
    const { strategy } = setup();
    const first = await signIn(strategy);
    const planted = first.jar.get("lab-stateful")!;
    const second = await signIn(strategy, { "lab-stateful": planted });
    expect(second.jar.get("lab-stateful")).not.toBe(planted);
    expect((await strategy.validate(memoryContext({ cookies: { "lab-stateful": planted } }))).session).toBeNull();
  });

  it("lists, revokes one, and revokes all sessions of a user", async () => {
    const { strategy } = setup();
    const a = await signIn(strategy);
    const b = await signIn(strategy);
    const c = await signIn(strategy);
    const caps = strategy.capabilities;
    if (!caps.listSessions.supported || !caps.revokeSession.supported || !caps.revokeAllSessions.supported) throw new Error("unsupported");
    const current = (await strategy.validate(a)).session!.id;
    const list = await caps.listSessions.run(userId, current);
    expect(list).toHaveLength(3);
    expect(list.filter((d) => d.current)).toHaveLength(1);
    const bId = (await strategy.validate(b)).session!.id!;
    expect(await caps.revokeSession.run("someone-else", bId)).toBe(false);
    expect(await caps.revokeSession.run(userId, bId)).toBe(true);
    expect((await strategy.validate(b)).session).toBeNull();
    expect(await caps.revokeAllSessions.run(userId, current)).toBe(1);
    expect((await strategy.validate(c)).session).toBeNull();
    expect((await strategy.validate(a)).session).not.toBeNull();
  });
});
