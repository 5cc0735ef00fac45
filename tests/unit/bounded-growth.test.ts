import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createNoteWithinLimit, MAX_NOTES_PER_USER } from "@/lib/server/data/notes";
import { insertSession, MAX_SESSIONS_PER_USER } from "@/lib/server/data/sessions";
import { getDb } from "@/lib/server/db/client";
import { memoryContext } from "@/lib/server/http/credential-context";
import { paginate, readPageRequest } from "@/lib/server/http/pagination";
import { ApiError } from "@/lib/server/http/route";
import { startPeriodicPurge, stopPeriodicPurge } from "@/lib/server/startup";
import { SESSION_COOKIES } from "@/lib/server/cookies";
import { sessionCache } from "@/lib/server/invalidation";
import { createStatefulStrategy } from "@/lib/server/strategies/stateful";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { fakeClock } from "../support/fake-clock";

// Nothing a user (or nobody) does makes a table grow without bound: sessions
// per user are capped, expired rows are purged while the server runs, the
// session list is paged, and the notes limit holds under parallel requests.

afterEach(() => stopPeriodicPurge());

describe("bounded growth", () => {
  it(`caps a user's stateful sessions at ${MAX_SESSIONS_PER_USER}, ending the oldest`, async () => {
    const { id, email } = await newUser();
    const clock = fakeClock(Date.now());
    // The password check is not what is tested here: skip 22 scrypt runs.
    const accept = async () => ({ ok: true as const, user: { id, name: "Vera", role: "member" as const }, sessionVersion: 0 });
    const strategy = createStatefulStrategy({ clock, idleSeconds: 600, absoluteSeconds: 3600, verifyCredentials: accept });
    const devices = [];
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 2; i++) {
      const ctx = memoryContext();
      expect((await strategy.signIn({ email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
      devices.push(ctx);
      clock.advance(1);
    }
    expect(await getDb().session.count({ where: { userId: id } })).toBe(MAX_SESSIONS_PER_USER);
    expect((await strategy.validate(devices[0]!)).session).toBeNull();
    expect((await strategy.validate(devices[1]!)).session).toBeNull();
    expect((await strategy.validate(devices[2]!)).session).not.toBeNull();
    expect((await strategy.validate(devices.at(-1)!)).session).not.toBeNull();
  });

  it("announces the sessions the cap ends, so stateful-cache's instance caches stop serving them", async () => {
    const { id, email } = await newUser();
    const clock = fakeClock(Date.now());
    const accept = async () => ({ ok: true as const, user: { id, name: "Vera", role: "member" as const }, sessionVersion: 0 });
    const strategy = createStatefulStrategy({
      id: "stateful-cache",
      clock,
      idleSeconds: 600,
      absoluteSeconds: 3600,
      verifyCredentials: accept,
      cookie: SESSION_COOKIES["stateful-cache"],
      cache: sessionCache(),
    });
    const devices = [];
    for (let i = 0; i < MAX_SESSIONS_PER_USER + 1; i++) {
      const ctx = memoryContext();
      expect((await strategy.signIn({ email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
      devices.push(ctx);
      clock.advance(1);
    }
    // The oldest row was cached at its sign-in; the cap deleted it, and the cache heard of it.
    expect((await strategy.validate(devices[0]!)).session).toBeNull();
    expect((await strategy.validate(devices[1]!)).session).not.toBeNull();
  });

  it("purges expired sessions periodically while the server runs, on an unref'd timer", async () => {
    const { id } = await newUser();
    const past = new Date(Date.now() - 60_000);
    const sessionId = `expired-${randomUUID()}`;
    await insertSession({
      id: sessionId,
      tokenHash: sessionId,
      userId: id,
      createdAt: past,
      expiresAt: past,
      absoluteExpiresAt: past,
      userAgent: null,
      sessionVersion: 0,
    });
    const timer = startPeriodicPurge(30);
    expect(timer.hasRef()).toBe(false);
    for (let i = 0; i < 100 && (await getDb().session.count({ where: { id: sessionId } })) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await getDb().session.count({ where: { id: sessionId } })).toBe(0);
  });

  it("pages the session list newest first with an opaque cursor, refusing bad limits and cursors", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const items = Array.from({ length: 5 }, (_, i) => ({ id: `s${i}`, createdAt: at(i % 3) }));
    const first = paginate(items, readPageRequest(new URLSearchParams("limit=2")));
    expect(first.items.map((i) => i.id)).toEqual(["s2", "s4"]);
    const second = paginate(items, readPageRequest(new URLSearchParams({ limit: "2", cursor: first.nextCursor! })));
    expect(second.items.map((i) => i.id)).toEqual(["s1", "s3"]);
    const third = paginate(items, readPageRequest(new URLSearchParams({ limit: "2", cursor: second.nextCursor! })));
    expect(third).toEqual({ items: [{ id: "s0", createdAt: at(0) }], nextCursor: null });
    expect(paginate(items, readPageRequest(new URLSearchParams())).items).toHaveLength(5);
    for (const bad of [
      "limit=0",
      "limit=101",
      "limit=abc",
      "limit=1.5",
      "cursor=garbage",
      "cursor=" + "A".repeat(500),
      "cursor=eyJ0IjotMX0",
    ]) {
      expect(() => readPageRequest(new URLSearchParams(bad))).toThrow(ApiError);
    }
  });

  it(`holds the ${MAX_NOTES_PER_USER}-note limit under ~50 parallel creates at the boundary`, async () => {
    const { id } = await newUser();
    const below = MAX_NOTES_PER_USER - 20;
    await getDb().note.createMany({
      data: Array.from({ length: below }, (_, i) => ({ id: randomUUID(), userId: id, title: `n${i}`, body: "" })),
    });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => createNoteWithinLimit(id, { title: `p${i}`, body: "" })));
    expect(results.filter((n) => typeof n === "object")).toHaveLength(20);
    expect(results.filter((n) => n === "limit")).toHaveLength(30);
    expect(await getDb().note.count({ where: { userId: id } })).toBe(MAX_NOTES_PER_USER);
  });
});
