import { randomBytes, randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as rows from "@/lib/server/data/handoff";
import { createUser } from "@/lib/server/data/users";
import { generateSecret } from "@/lib/server/env";
import { createBackChannel, receiveLogoutToken } from "@/lib/server/handoff/back-channel";
import { createPartnerSessions } from "@/lib/server/handoff/partner-sessions";
import { createHandoffTokens } from "@/lib/server/handoff/tokens";
import { memoryContext } from "@/lib/server/http/credential-context";
import { fakeClock } from "../support/fake-clock";

// B's side of the handoff against the real database (SQLite here; .ci/run
// repeats this file on PostgreSQL): the atomic jti consumption, B's own
// sessions, and the back-channel logout that ends exactly the named session.

const A = "http://localhost:3000";
const B = "http://127.0.0.1:3000";
let userId: string;

beforeEach(async () => {
  userId = (await createUser({ email: `handoff-${randomUUID()}@example.com`, name: "Hana", role: "member", passwordHash: "x" })).id;
});

const newId = () => randomBytes(16).toString("base64url");

describe("jti consumption", () => {
  it("succeeds once: a replay fails", async () => {
    const jti = newId();
    const keep = new Date(Date.now() + 65_000);
    expect(await rows.spendTokenId(jti, "handoff", keep)).toBe(true);
    expect(await rows.spendTokenId(jti, "handoff", keep)).toBe(false);
    expect(await rows.spendTokenId(jti, "logout", keep)).toBe(false);
  });

  it("is atomic: of 20 concurrent uses, exactly one succeeds", async () => {
    const jti = newId();
    const keep = new Date(Date.now() + 65_000);
    const results = await Promise.all(Array.from({ length: 20 }, () => rows.spendTokenId(jti, "handoff", keep)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("is remembered until exp plus tolerance, then purged", async () => {
    const jti = newId();
    const now = Date.now();
    await rows.spendTokenId(jti, "handoff", new Date(now + 1000));
    await rows.purgeHandoffRows(new Date(now));
    expect(await rows.spendTokenId(jti, "handoff", new Date(now + 1000))).toBe(false);
    await rows.purgeHandoffRows(new Date(now + 2000));
    expect(await rows.spendTokenId(jti, "handoff", new Date(now + 1000))).toBe(true);
  });
});

describe("B's sessions", () => {
  const partner = (clock = fakeClock(Date.now())) => ({
    clock,
    sessions: createPartnerSessions({ clock, idleSeconds: 600, absoluteSeconds: 3600 }),
  });

  it("start with an opaque token in B's cookie, store only its hash, and replace a session the browser had", async () => {
    const { sessions } = partner();
    const ctx = memoryContext({ origin: B });
    const first = await sessions.start(ctx, { userId, name: "Hana", sid: newId() });
    const token = ctx.jar.get("lab-partner")!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ctx.writes.at(-1)).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/" });
    expect(await sessions.validate(ctx)).toMatchObject({ session: { id: first!.id }, user: { id: userId, name: "Hana" } });
    const old = memoryContext({ origin: B, cookies: { "lab-partner": token } });
    const second = await sessions.start(ctx, { userId, name: "Hana", sid: newId() });
    expect(second!.id).not.toBe(first!.id);
    expect(ctx.jar.get("lab-partner")).not.toBe(token);
    expect(await sessions.validate(old)).toBeNull(); // the replaced session is gone on the server
    expect((await sessions.validate(ctx))?.session.id).toBe(second!.id);
  });

  it("expire when idle, and refuse a user that no longer exists", async () => {
    const { sessions, clock } = partner();
    const ctx = memoryContext({ origin: B });
    await sessions.start(ctx, { userId, name: "Hana", sid: newId() });
    clock.advance(601);
    expect(await sessions.validate(ctx)).toBeNull();
    expect(await sessions.start(memoryContext({ origin: B }), { userId: "no-such-user", name: "X", sid: newId() })).toBeNull();
  });

  it("end on sign-out on B only (B's row, B's cookie)", async () => {
    const { sessions } = partner();
    const ctx = memoryContext({ origin: B });
    await sessions.start(ctx, { userId, name: "Hana", sid: newId() });
    expect(await sessions.end(ctx)).toBe(true);
    expect(ctx.jar.has("lab-partner")).toBe(false);
    expect(await sessions.end(ctx)).toBe(false);
  });
});

describe("back-channel logout", () => {
  const tokens = createHandoffTokens({ secret: generateSecret(), issuer: A, audience: B });

  it("ends exactly the session its sid names; a sub-only token ends all of the user's; replays are refused", async () => {
    const sessions = createPartnerSessions({ clock: fakeClock(Date.now()), idleSeconds: 600, absoluteSeconds: 3600 });
    const [sid1, sid2] = [newId(), newId()];
    const one = memoryContext({ origin: B });
    const two = memoryContext({ origin: B });
    await sessions.start(one, { userId, name: "Hana", sid: sid1 });
    await sessions.start(two, { userId, name: "Hana", sid: sid2 });

    const { token } = await tokens.mintLogout({ sub: userId, sid: sid1 });
    expect(await receiveLogoutToken(tokens, token)).toEqual({ ok: true, sessionsEnded: 1 });
    expect(await sessions.validate(one)).toBeNull();
    expect(await sessions.validate(two)).not.toBeNull();
    expect(await receiveLogoutToken(tokens, token)).toEqual({ ok: false, reason: "replayed" });

    // A sid of another user's session is not this user's to end.
    expect(await receiveLogoutToken(tokens, (await tokens.mintLogout({ sub: "someone-else", sid: sid2 })).token)).toEqual({
      ok: true,
      sessionsEnded: 0,
    });
    expect(await sessions.validate(two)).not.toBeNull();
    expect(await receiveLogoutToken(tokens, (await tokens.mintLogout({ sub: userId })).token)).toEqual({ ok: true, sessionsEnded: 1 });
    expect(await sessions.validate(two)).toBeNull();
  });

  it("refuses tokens of another issuer, or garbage", async () => {
    const foreign = createHandoffTokens({ secret: generateSecret(), issuer: A, audience: B });
    expect(await receiveLogoutToken(tokens, (await foreign.mintLogout({ sub: userId })).token)).toEqual({ ok: false, reason: "invalid" });
    expect(await receiveLogoutToken(tokens, "garbage")).toEqual({ ok: false, reason: "malformed" });
  });

  describe("delivery from A", () => {
    const target = { sub: "user-1", sid: "sid-0123456789abcdef" };
    const setup = (responses: (number | "network")[]) => {
      const calls: { body: string; headers: Record<string, string> }[] = [];
      const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
        calls.push({ body: String(init?.body), headers: init?.headers as Record<string, string> });
        const next = responses.shift() ?? 200;
        if (next === "network") throw new TypeError("fetch failed");
        return new Response(null, { status: next });
      });
      const lines: Record<string, unknown>[] = [];
      const channel = createBackChannel({
        tokens,
        endpoint: `${B}/api/handoff/backchannel-logout`,
        fetch: fetch as unknown as typeof globalThis.fetch,
        log: (fields) => lines.push(fields),
        retryDelaysMs: [1, 1, 1],
        sleep: async () => {},
      });
      return { channel, calls, lines };
    };

    it("posts the token as an OIDC form, once when B accepts it", async () => {
      const { channel, calls } = setup([200]);
      expect(await channel.send(target, "sign-out")).toBe("delivered");
      expect(calls).toHaveLength(1);
      expect(calls[0]!.headers["Content-Type"]).toBe("application/x-www-form-urlencoded");
      const token = new URLSearchParams(calls[0]!.body).get("logout_token");
      expect((await tokens.verifyLogout(token)).ok).toBe(true);
    });

    it("retries a failure with a fresh token each time, a bounded number of times, and logs without the token", async () => {
      const { channel, calls, lines } = setup(["network", 503, "network", 500]);
      expect(await channel.send(target, "disabled")).toBe("retrying");
      await channel.settled();
      expect(calls).toHaveLength(4); // one attempt + three retries, then it stops
      const jtis = await Promise.all(
        calls.map(async (c) => (await tokens.verifyLogout(new URLSearchParams(c.body).get("logout_token"))) as { claims: { jti: string } }),
      );
      expect(new Set(jtis.map((v) => v.claims.jti)).size).toBe(4);
      expect(lines.at(-1)).toMatchObject({ event: "undelivered", reason: "disabled", sid: target.sid, attempts: 4 });
      expect(JSON.stringify(lines)).not.toMatch(/eyJ/);
      expect(channel.pending()).toBe(0);
    });

    it("recovers when a retry gets through, and never retries a refusal", async () => {
      const retried = setup([503, 200]);
      await retried.channel.send(target, "sign-out");
      await retried.channel.settled();
      expect(retried.calls).toHaveLength(2);
      expect(retried.lines.at(-1)).toMatchObject({ event: "delivered", attempt: 2 });
      const refused = setup([400]);
      expect(await refused.channel.send(target, "sign-out")).toBe("refused");
      await refused.channel.settled();
      expect(refused.calls).toHaveLength(1);
      expect(refused.lines.at(-1)).toMatchObject({ event: "refused", status: 400 });
    });
  });
});
