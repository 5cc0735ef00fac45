import { afterEach, describe, expect, it, vi } from "vitest";
import { SESSION_COOKIES } from "@/lib/server/cookies";
import { memoryContext } from "@/lib/server/http/credential-context";
import { createNextAuthStrategy } from "@/lib/server/strategies/nextauth";
import { databaseStores } from "@/lib/server/stores/database";
import { alice, fakeVerify } from "../support/fake-clock";

const SECRET = "s".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const OTHER_SECRET = "t".repeat(4) + "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxw";
const COOKIE = "authjs.nextauth-lazy.session-token";

function setup(secret = SECRET, ttlSeconds = 3600, profileTag?: string) {
  return createNextAuthStrategy({
    id: "nextauth-lazy",
    cookie: SESSION_COOKIES["nextauth-lazy"],
    ttlSeconds,
    secret,
    verifyCredentials: fakeVerify,
    loadClaims: async () => ({ name: "Alicia", role: "member" }),
    lazyReissue: { cacheEntries: 100 },
    ...(profileTag ? { profileTag } : {}),
  });
}

async function signIn(strategy: ReturnType<typeof setup>) {
  const login = memoryContext();
  expect(await strategy.signIn({ email: "alice@example.com", password: "right-password" }, login)).toMatchObject({ ok: true, user: alice });
  return login.jar.get(COOKIE)!;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("nextauth-lazy (Auth.js, re-issued only past half its lifetime)", () => {
  it("answers a fresh token without re-issuing it, then re-issues it past half its lifetime", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const strategy = setup(SECRET, 60);
    const token = await signIn(strategy);
    vi.advanceTimersByTime(29_000);
    const early = memoryContext({ cookies: { [COOKIE]: token } });
    const first = await strategy.validate(early);
    expect(first.user).toEqual(alice);
    expect(first.session?.strategy).toBe("nextauth-lazy");
    expect(early.writes).toEqual([]); // no Set-Cookie: the token is served as it is
    vi.advanceTimersByTime(2_000); // 31 s after sign-in: less than half of 60 s is left
    const late = memoryContext({ cookies: { [COOKIE]: token } });
    const second = await strategy.validate(late);
    expect(second.user).toEqual(alice);
    const reissued = late.writes.find((w) => w.name === COOKIE);
    expect(reissued?.value).toBeTruthy();
    expect(reissued!.value).not.toBe(token);
    // The re-issued token slides the expiry, as Auth.js always does.
    expect(second.session!.expiresAt.getTime()).toBeGreaterThan(first.session!.expiresAt.getTime());
  });

  it("never serves a token past its expiry, cached or not", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const strategy = setup(SECRET, 60);
    const token = await signIn(strategy);
    expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: token } }))).session).not.toBeNull();
    vi.advanceTimersByTime(60_000 + 16_000); // past exp and Auth.js's 15 s tolerance
    expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: token } }))).session).toBeNull();
  });

  it("refuses tampered, foreign and garbage tokens, and another variant's cookie", async () => {
    const strategy = setup();
    const token = await signIn(strategy);
    const tampered = token.slice(0, -6) + (token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
    const foreign = await signIn(setup(OTHER_SECRET));
    for (const bad of [tampered, foreign, "garbage", "a.b.c.d.e"]) {
      expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: bad } }))).session).toBeNull();
    }
    expect((await strategy.validate(memoryContext({ cookies: { "authjs.session-token": token } }))).session).toBeNull();
    expect((await strategy.validate(memoryContext({ cookies: { [COOKIE]: token } }))).user).toEqual(alice);
  });

  it("reads a token split into chunks; chunks with a gap are left to Auth.js", async () => {
    const strategy = setup();
    const token = await signIn(strategy);
    const half = Math.floor(token.length / 2);
    const chunks = { [`${COOKIE}.0`]: token.slice(0, half), [`${COOKIE}.1`]: token.slice(half) };
    const chunked = memoryContext({ cookies: chunks });
    expect((await strategy.validate(chunked)).user).toEqual(alice);
    expect(chunked.writes).toEqual([]);
    const gap = { [`${COOKIE}.0`]: token.slice(0, half), [`${COOKIE}.2`]: token.slice(half) };
    // Not the fast path's to judge: Auth.js joins whatever chunks it finds, and re-issues (as plain nextauth would).
    const gapped = memoryContext({ cookies: gap });
    await strategy.validate(gapped);
    expect(gapped.writes.length).toBeGreaterThan(0);
  });

  it("keeps the profile rule: a short-profile token is not served by another profile's instance", async () => {
    const token = await signIn(setup(SECRET, 3600, "matrix"));
    expect((await setup(SECRET, 3600).validate(memoryContext({ cookies: { [COOKIE]: token } }))).session).toBeNull();
    expect((await setup(SECRET, 3600, "matrix").validate(memoryContext({ cookies: { [COOKIE]: token } }))).session).not.toBeNull();
  });

  it("cannot be combined with the re-read switch", () => {
    expect(() =>
      createNextAuthStrategy({
        ttlSeconds: 60,
        secret: SECRET,
        verifyCredentials: fakeVerify,
        loadClaims: async () => null,
        lazyReissue: { cacheEntries: 1 },
        recheck: databaseStores().sessionVersions,
      }),
    ).toThrow(/cannot be combined/);
  });
});
