import * as iron from "iron-session";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { SESSION_COOKIES } from "@/lib/server/cookies";
import { memoryContext } from "@/lib/server/http/credential-context";
import { createCookieStrategy } from "@/lib/server/strategies/cookie";
import { VARIANTS } from "@/lib/catalog/variants";
import { alice, fakeClock, fakeVerify } from "../support/fake-clock";

// Count the real unseals underneath the strategy (the cache must save them, and only them).
vi.mock("iron-session", async (importOriginal) => {
  const original = await importOriginal<typeof import("iron-session")>();
  return {
    ...original,
    unsealData: vi.fn((seal: string, options: Parameters<typeof original.unsealData>[1]) => original.unsealData(seal, options)),
  };
});
const unseals = vi.mocked(iron.unsealData);

const PASSWORD = "p".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const COOKIE = "lab-cookie-cache";

function setup(maxEntries = 100, ttlSeconds = 3600) {
  const clock = fakeClock(Date.now());
  const strategy = createCookieStrategy({
    id: "cookie-cache",
    clock,
    ttlSeconds,
    password: PASSWORD,
    verifyCredentials: fakeVerify,
    cookie: SESSION_COOKIES["cookie-cache"],
    verifiedCache: { maxEntries },
  });
  return { clock, strategy };
}

async function signIn(strategy: ReturnType<typeof setup>["strategy"]) {
  const ctx = memoryContext();
  expect((await strategy.signIn({ email: "alice@example.com", password: "right-password" }, ctx)).ok).toBe(true);
  return memoryContext({ cookies: Object.fromEntries(ctx.jar) });
}

describe("cookie-cache (iron-session with a cache of opened seals)", () => {
  beforeEach(() => {
    unseals.mockClear();
  });

  it("opens a seal once, then answers the same seal from the cache", async () => {
    const { strategy } = setup();
    const ctx = await signIn(strategy);
    for (let i = 0; i < 5; i++) expect(await strategy.validate(ctx)).toMatchObject({ user: alice, session: { strategy: "cookie-cache" } });
    expect(unseals).toHaveBeenCalledTimes(1);
  });

  it("never answers from the cache past the seal's exp", async () => {
    const { strategy, clock } = setup(100, 300);
    const ctx = await signIn(strategy);
    expect((await strategy.validate(ctx)).session).not.toBeNull();
    clock.advance(300);
    expect((await strategy.validate(ctx)).session).toBeNull();
  });

  it("caches nothing it could not open: a tampered or garbage seal is refused every time", async () => {
    const { strategy } = setup();
    const value = (await signIn(strategy)).cookie(COOKIE)!;
    const i = Math.floor(value.length / 2);
    const tampered = value.slice(0, i) + (value[i] === "a" ? "b" : "a") + value.slice(i + 1);
    for (const bad of [tampered, "garbage", "Fe26.2**x*y*z*w*v*u"]) {
      for (let n = 0; n < 2; n++) expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: bad } }))).session).toBeNull();
    }
    // The genuine seal still opens (it was never cached under another seal's key).
    expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: value } }))).user).toEqual(alice);
  });

  it("stays bounded: past maxEntries the least recently used seal is opened again, never refused", async () => {
    const { strategy } = setup(2);
    const seals = [await signIn(strategy), await signIn(strategy), await signIn(strategy)];
    for (const ctx of seals) expect((await strategy.validate(ctx)).session).not.toBeNull();
    unseals.mockClear();
    // Only the two most recent are cached: the first is opened again, and still accepted.
    expect((await strategy.validate(seals[2]!)).session).not.toBeNull();
    expect(unseals).toHaveBeenCalledTimes(0);
    expect((await strategy.validate(seals[0]!)).session).not.toBeNull();
    expect(unseals).toHaveBeenCalledTimes(1);
  });

  it("reads only its own cookie, and expects what the plain cookie expects", async () => {
    const { strategy } = setup();
    const value = (await signIn(strategy)).cookie(COOKIE)!;
    expect((await strategy.validate(memoryContext({ cookies: { "lab-cookie": value } }))).session).toBeNull();
    expect(VARIANTS["cookie-cache"].base).toBe("cookie");
    expect(VARIANTS["cookie-cache"].lookupsPerCheck).toBe(0);
    expect(VARIANTS["cookie-cache"].expected["sign-out"]).toEqual(VARIANTS.cookie.expected["sign-out"]);
  });
});
