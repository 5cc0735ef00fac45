import { randomBytes, randomUUID } from "node:crypto";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { createLease, releaseLease } from "@/lib/server/data/compare";
import { updateUser } from "@/lib/server/data/users";
import { memoryContext } from "@/lib/server/http/credential-context";
import { announceRevocation, channel, invalidationsReachUs, sessionCache, startInvalidationListener } from "@/lib/server/invalidation";
import { disconnectRedis } from "@/lib/server/redis";
import { SESSION_COOKIES, describeSessionCookie } from "@/lib/server/cookies";
import { redisStores } from "@/lib/server/stores/redis";
import type { RefreshFamily } from "@/lib/server/stores/types";
import { createStatefulStrategy } from "@/lib/server/strategies/stateful";
import { systemClock } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";
import { UnavailableError } from "@/lib/server/unavailable";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { OwnRedis } from "../support/redis-server";

// The Redis stores and the cross-instance invalidation, against a redis-server
// this file starts on its own port (and stops, for the outage cases).

const server = vi.hoisted(() => {
  const port = Number(process.env.TEST_REDIS_PORT ?? 6421);
  process.env.REDIS_URL = `redis://127.0.0.1:${port}/0`;
  process.env.REDIS_PREFIX = `unit-${Math.random().toString(36).slice(2, 8)}:`;
  return { port };
});
const redis = new OwnRedis(server.port);

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not met in time");
}

beforeAll(async () => {
  await redis.start();
  startInvalidationListener();
  await eventually(() => invalidationsReachUs());
});

afterAll(async () => {
  await disconnectRedis();
  await redis.stop();
});

function family(userId: string, overrides: Partial<RefreshFamily> = {}): RefreshFamily {
  const now = Date.now();
  return {
    id: randomBytes(12).toString("base64url"),
    userId,
    generation: 0,
    tokenHash: "a".repeat(64),
    rotatedAt: new Date(now),
    sessionVersion: 0,
    accessSeconds: 60,
    idleSeconds: 3600,
    graceSeconds: 5,
    createdAt: new Date(now),
    lastUsedAt: new Date(now),
    expiresAt: new Date(now + 3_600_000),
    absoluteExpiresAt: new Date(now + 7_200_000),
    userAgent: null,
    ...overrides,
  };
}

describe("Redis stores", () => {
  it("denylist: an entry is there until its token expires, then gone", async () => {
    const { denylist } = redisStores();
    const jti = randomUUID();
    expect(await denylist.has("iss", jti)).toBe(false);
    await denylist.add("iss", jti, new Date(Date.now() + 300));
    expect(await denylist.has("iss", jti)).toBe(true);
    expect(await denylist.has("other-issuer", jti)).toBe(false);
    await eventually(async () => !(await denylist.has("iss", jti)), 2000);
  });

  it("refresh families: round trip, and of 20 concurrent rotations of one generation exactly one wins", async () => {
    const { refreshFamilies } = redisStores();
    const { id: userId } = await newUser();
    const f = family(userId, { userAgent: "Firefox" });
    await refreshFamilies.create(f, 5);
    expect(await refreshFamilies.get(f.id)).toEqual(f);
    const next = { tokenHash: "b".repeat(64), rotatedAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000) };
    const results = await Promise.all(Array.from({ length: 20 }, () => refreshFamilies.advance(f.id, 0, next)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await refreshFamilies.get(f.id);
    expect(after).toMatchObject({ generation: 1, tokenHash: next.tokenHash, userAgent: "Firefox" });
    expect(await refreshFamilies.advance(f.id, 0, next)).toBe(false); // a spent generation
  });

  it("refresh families: per-user cap, listing, delete with owner check, delete all but one", async () => {
    const { refreshFamilies } = redisStores();
    const { id: userId } = await newUser();
    const families = [0, 1, 2].map((i) => family(userId, { createdAt: new Date(Date.now() + i), lastUsedAt: new Date(Date.now() + i) }));
    for (const f of families) await refreshFamilies.create(f, 2);
    expect(await refreshFamilies.get(families[0]!.id)).toBeNull(); // the oldest beyond the cap
    expect((await refreshFamilies.listForUser(userId, new Date())).map((f) => f.id)).toEqual([families[2]!.id, families[1]!.id]);
    expect(await refreshFamilies.delete(families[1]!.id, "someone-else")).toBe(false);
    const extra = family(userId);
    await refreshFamilies.create(extra, 5);
    expect(await refreshFamilies.deleteForUser(userId, { id: extra.id, sessionVersion: 7 })).toBe(2);
    expect((await refreshFamilies.get(extra.id))?.sessionVersion).toBe(7);
    expect(await refreshFamilies.delete(extra.id, userId)).toBe(true);
    expect(await refreshFamilies.listForUser(userId, new Date())).toEqual([]);
  });

  it("session versions: a read-through copy, dropped by every announced change, never refilled by a stale read", async () => {
    const { sessionVersions } = redisStores();
    const { id: userId } = await newUser("Olga");
    expect(await sessionVersions.getWithClaims(userId)).toEqual({ name: "Olga", role: "member", sessionVersion: 0 });
    // Changed in the database without an announcement: the copy is served (proves it is a cache)…
    await updateUser(userId, { name: "Olga 2" });
    const { result, timing } = await measure(() => sessionVersions.getWithClaims(userId));
    expect(result?.name).toBe("Olga");
    expect([timing.db.count, timing.redis.count]).toEqual([0, 1]);
    // …until the change is announced, as every route that changes a user does.
    await announceRevocation({ userId, reason: "name-change" });
    expect((await sessionVersions.getWithClaims(userId))?.name).toBe("Olga 2");
    expect(await sessionVersions.bump(userId)).toBe(1);
    expect(await sessionVersions.get(userId)).toBe(1);
    await updateUser(userId, { disabled: true });
    await announceRevocation({ userId, reason: "disable" });
    expect(await sessionVersions.get(userId)).toBeNull();
  });
});

describe("stateful-cache across instances", () => {
  const cookie = describeSessionCookie({ secure: false }, SESSION_COOKIES["stateful-cache"]).name;
  const strategy = () =>
    createStatefulStrategy({
      clock: systemClock,
      idleSeconds: 600,
      absoluteSeconds: 3600,
      verifyCredentials,
      id: "stateful-cache",
      cookie: SESSION_COOKIES["stateful-cache"],
      cache: sessionCache(),
    });

  async function signedIn() {
    const user = await newUser();
    const ctx = memoryContext();
    const s = strategy();
    expect((await s.signIn({ email: user.email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
    return { s, user, replay: () => memoryContext({ cookies: { [cookie]: ctx.jar.get(cookie)! } }) };
  }

  it("serves a signed-in session from memory, and drops it when another instance announces its revocation", async () => {
    const { s, user, replay } = await signedIn();
    const hit = await measure(() => s.validate(replay()));
    expect(hit.result.session).not.toBeNull();
    expect(hit.timing.db.count).toBe(0);
    // Another instance (another connection) revokes the user's sessions and publishes it.
    const other = new Redis(process.env.REDIS_URL!);
    await other.publish(channel(), JSON.stringify({ type: "revoke", from: "instance-b", userId: user.id, reason: "disable" }));
    await updateUser(user.id, { disabled: true }); // what instance B wrote (order does not matter: the cache is empty now)
    other.disconnect();
    const ms = await eventually(async () => (await s.validate(replay())).session === null, 2000);
    expect(ms).toBeLessThan(1000);
  });

  it("forgets the sessions of a comparison run's accounts when their lease ends (they are deleted with it)", async () => {
    const created = await createLease({ kind: "live", accounts: ["member"], ttlSeconds: 60 });
    if (!created.ok) throw new Error("no lease");
    const [account] = created.lease.accounts;
    const s = strategy();
    const ctx = memoryContext();
    expect((await s.signIn({ email: account!.email, password: account!.password }, ctx)).ok).toBe(true);
    const replay = () => memoryContext({ cookies: { [cookie]: ctx.jar.get(cookie)! } });
    expect((await measure(() => s.validate(replay()))).timing.db.count).toBe(0); // served from the cache
    expect(await releaseLease(created.lease.id, created.lease.token)).toBe(1);
    expect((await s.validate(replay())).session).toBeNull();
  });

  it("garbage on the channel is ignored", async () => {
    const { s, replay } = await signedIn();
    const other = new Redis(process.env.REDIS_URL!);
    for (const junk of ["not json", "{}", '{"type":"revoke"}', JSON.stringify({ type: "revoke", from: 1, userId: [] })])
      await other.publish(channel(), junk);
    other.disconnect();
    expect((await s.validate(replay())).session).not.toBeNull();
  });

  it("Redis down: the cache stops serving (every check reads the database), stores answer 503, both recover without a restart", async () => {
    const { s, replay } = await signedIn();
    expect((await measure(() => s.validate(replay()))).timing.db.count).toBe(0);
    await redis.stop();
    await eventually(() => !invalidationsReachUs(), 3000);
    const bypass = await measure(() => s.validate(replay()));
    expect(bypass.result.session).not.toBeNull();
    expect(bypass.timing.db.count).toBe(1);
    const started = Date.now();
    await expect(redisStores().denylist.has("iss", "jti")).rejects.toBeInstanceOf(UnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
    await redis.start();
    const recovered = await eventually(() => invalidationsReachUs(), 8000);
    expect(recovered).toBeLessThan(5000);
    expect(await redisStores().denylist.has("iss", "jti")).toBe(false);
    await s.validate(replay()); // refills
    expect((await measure(() => s.validate(replay()))).timing.db.count).toBe(0);
  });
});
