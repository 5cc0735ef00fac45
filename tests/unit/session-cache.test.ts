import { describe, expect, it } from "vitest";
import type { SessionWithUser } from "@/lib/server/data/sessions";
import { SessionRowCache } from "@/lib/server/session-cache";

function row(id: string, userId = "u1"): SessionWithUser {
  const now = new Date();
  return {
    id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now,
    absoluteExpiresAt: now,
    user: { id: userId, name: "N", role: "member", disabled: false },
  };
}

function cache(opts: Partial<{ maxEntries: number; ttlMs: number }> = {}) {
  let now = 1_000;
  let healthy = true;
  const c = new SessionRowCache({ maxEntries: opts.maxEntries ?? 3, ttlMs: opts.ttlMs ?? 10_000, now: () => now, healthy: () => healthy });
  return { c, advance: (ms: number) => (now += ms), setHealthy: (h: boolean) => (healthy = h) };
}

describe("the stateful-cache session cache", () => {
  it("serves a stored row until its TTL, then misses", () => {
    const { c, advance } = cache();
    c.store("h1", row("s1"), c.generation);
    expect(c.get("h1")?.id).toBe("s1");
    advance(9_999);
    expect(c.get("h1")?.id).toBe("s1");
    advance(1);
    expect(c.get("h1")).toBeNull();
  });

  it("is bounded: the least recently used row goes first", () => {
    const { c } = cache({ maxEntries: 2 });
    c.store("h1", row("s1"), c.generation);
    c.store("h2", row("s2"), c.generation);
    expect(c.get("h1")).not.toBeNull(); // h2 is now the least recently used
    c.store("h3", row("s3"), c.generation);
    expect(c.get("h2")).toBeNull();
    expect(c.get("h1")).not.toBeNull();
    expect(c.get("h3")).not.toBeNull();
    expect(c.stats.size).toBe(2);
  });

  it("refuses a row read before an invalidation (a slow reader cannot put a revoked row back)", () => {
    const { c } = cache();
    const before = c.generation;
    c.evict("u1", ["s1"]); // a revocation arrives while the reader waits on the database
    c.store("h1", row("s1"), before);
    expect(c.get("h1")).toBeNull();
  });

  it("evicts one session, or every session of a user", () => {
    const { c } = cache({ maxEntries: 10 });
    c.store("a", row("s1", "u1"), c.generation);
    c.store("b", row("s2", "u1"), c.generation);
    c.store("c", row("s3", "u2"), c.generation);
    c.evict("u1", ["s1"]);
    expect([c.get("a"), c.get("b")?.id, c.get("c")?.id]).toEqual([null, "s2", "s3"]);
    c.evict("u1");
    expect([c.get("b"), c.get("c")?.id]).toEqual([null, "s3"]);
  });

  it("serves nothing while invalidations may not arrive, and drops what it held", () => {
    const { c, setHealthy } = cache();
    c.store("h1", row("s1"), c.generation);
    setHealthy(false);
    expect(c.get("h1")).toBeNull();
    c.store("h2", row("s2"), c.generation);
    setHealthy(true);
    expect(c.get("h1")).toBeNull();
    expect(c.get("h2")).toBeNull();
    expect(c.stats.bypassed).toBeGreaterThan(0);
  });
});
