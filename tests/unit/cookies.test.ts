import { describe, expect, it } from "vitest";
import {
  describeSessionCookie,
  expiredCookieWrite,
  possibleSessionCookieNames,
  SESSION_COOKIES,
  sessionCookieWrite,
  type SessionCookieSpec,
} from "@/lib/server/cookies";
import { memoryContext, type CookieWrite } from "@/lib/server/http/credential-context";
import { createCookieStrategy } from "@/lib/server/strategies/cookie";
import { createNextAuthStrategy } from "@/lib/server/strategies/nextauth";
import { fakeClock, fakeVerify } from "../support/fake-clock";

const SECRET = "s".repeat(4) + "0123456789abcdefghijklmnopqrstuvwxyzABCD";
const credentials = { email: "alice@example.com", password: "right-password" };
const attributesOf = (write: CookieWrite) => {
  const { httpOnly, secure, sameSite, path } = write;
  return { httpOnly, secure, sameSite, path };
};

describe("a session cookie, described once", () => {
  it("is named by the origin's scheme: plain over http, prefixed over https", () => {
    const http = { secure: false };
    const https = { secure: true };
    expect(describeSessionCookie(http, SESSION_COOKIES.stateful).name).toBe("lab-stateful");
    expect(describeSessionCookie(https, SESSION_COOKIES.stateful).name).toBe("__Host-lab-stateful");
    expect(describeSessionCookie(https, SESSION_COOKIES.cookie).name).toBe("__Host-lab-cookie");
    expect(describeSessionCookie(https, SESSION_COOKIES.nextauth).name).toBe("__Secure-authjs.session-token");
    expect(describeSessionCookie(https, SESSION_COOKIES.cookie).attributes).toEqual({
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      path: "/",
    });
    expect(describeSessionCookie(http, SESSION_COOKIES.cookie).attributes.secure).toBe(false);
  });

  it("is set for exactly the credential's lifetime and expired with the same attributes", () => {
    const cookie = describeSessionCookie({ secure: true }, SESSION_COOKIES.stateful);
    const now = Date.now();
    const set = sessionCookieWrite(cookie, "v", new Date(now + 90_500), now);
    expect(set).toEqual({ name: "__Host-lab-stateful", value: "v", ...cookie.attributes, maxAge: 90 });
    expect(sessionCookieWrite(cookie, "v", new Date(now - 1000), now).maxAge).toBe(0);
    const expired = expiredCookieWrite(cookie);
    expect(expired).toEqual({ name: cookie.name, value: "", ...cookie.attributes, maxAge: 0 });
    expect(attributesOf(expired)).toEqual(attributesOf(set));
    expect(expiredCookieWrite(cookie, `${cookie.name}.1`)).toMatchObject({ name: "__Host-lab-stateful.1", secure: true, maxAge: 0 });
  });

  it("gives proxy.ts every name it may carry", () => {
    const spec: SessionCookieSpec = { base: "x", securePrefix: "__Host-" };
    expect(possibleSessionCookieNames(spec)).toEqual(["x", "__Host-x"]);
    expect(possibleSessionCookieNames(SESSION_COOKIES.nextauth)).toEqual([
      "authjs.session-token",
      "authjs.session-token.0",
      "__Secure-authjs.session-token",
      "__Secure-authjs.session-token.0",
    ]);
  });
});

describe("strategies set and expire the cookie from the one description", () => {
  for (const secure of [false, true]) {
    it(`cookie strategy over ${secure ? "https" : "http"}`, async () => {
      const strategy = createCookieStrategy({
        clock: fakeClock(Date.now()),
        ttlSeconds: 3600,
        password: SECRET,
        verifyCredentials: fakeVerify,
      });
      const ctx = memoryContext({ secure });
      await strategy.signIn(credentials, ctx);
      await strategy.signOut(ctx);
      const cookie = describeSessionCookie(ctx, SESSION_COOKIES.cookie);
      const [set, expired] = ctx.writes;
      expect(set).toMatchObject({ name: cookie.name, ...cookie.attributes });
      expect(expired).toEqual(expiredCookieWrite(cookie));
      expect(ctx.jar.size).toBe(0);
    });

    it(`Auth.js sets its session cookie as described, over ${secure ? "https" : "http"}`, async () => {
      const strategy = createNextAuthStrategy({
        ttlSeconds: 3600,
        secret: SECRET,
        verifyCredentials: fakeVerify,
        loadClaims: async () => null,
      });
      const ctx = memoryContext({ secure });
      expect((await strategy.signIn(credentials, ctx)).ok).toBe(true);
      const cookie = describeSessionCookie(ctx, SESSION_COOKIES.nextauth);
      const set = ctx.writes.find((w) => w.name === cookie.name);
      expect(set && attributesOf(set)).toEqual(cookie.attributes);
    });
  }

  it("Auth.js's fallback sign-out expires every chunk with Secure over https", async () => {
    const strategy = createNextAuthStrategy({
      ttlSeconds: 3600,
      secret: SECRET,
      verifyCredentials: fakeVerify,
      loadClaims: async () => null,
    });
    const names = ["__Secure-authjs.session-token.0", "__Secure-authjs.session-token.1", "other"];
    const writes: CookieWrite[] = [];
    // A context whose cookies cannot be read makes the call to Auth.js fail: the fallback runs.
    const ctx = {
      ...memoryContext({ secure: true }),
      cookieNames: () => names,
      cookie: (): string => {
        throw new Error("unreadable");
      },
      setCookie: (w: CookieWrite) => void writes.push(w),
    };
    await strategy.signOut(ctx);
    const cookie = describeSessionCookie(ctx, SESSION_COOKIES.nextauth);
    expect(writes).toEqual([expiredCookieWrite(cookie, names[0]), expiredCookieWrite(cookie, names[1])]);
    expect(writes.every((w) => w.secure && w.httpOnly && w.path === "/" && w.maxAge === 0)).toBe(true);
  });
});
