import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { POST, GET } from "@/app/api/auth/[...nextauth]/route";
import { safeRedirect } from "@/lib/server/strategies/nextauth";

// Auth.js's own endpoints get the app's limits: the 16 KiB body cap and the
// same-origin check for state-changing methods; a garbage callback-url never makes a 500.

const ORIGIN = "http://localhost:3000";
const at = (path: string, init: ConstructorParameters<typeof NextRequest>[1] = {}) =>
  new NextRequest(`${ORIGIN}/api/auth/${path}`, { ...init, headers: { host: "localhost:3000", ...(init.headers as object) } });

describe("/api/auth/* behind the app's limits", () => {
  it("refuses a state-changing request from another origin with 403 csrf", async () => {
    const res = await POST(
      at("signout", {
        method: "POST",
        headers: { origin: "http://evil.example", "content-type": "application/x-www-form-urlencoded" },
        body: "a=b",
      }),
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: "csrf" });
  });

  it("refuses a body over 16 KiB with 413, declared or streamed", async () => {
    const big = "x=" + "a".repeat(17 * 1024);
    const declared = await POST(
      at("callback/credentials", {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
        body: big,
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: "body_too_large" });
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new TextEncoder().encode("a".repeat(1024)));
        c.close();
      },
    });
    const streamed = await POST(
      at("callback/credentials", {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" },
        body: stream,
        duplex: "half",
      } as never),
    );
    expect(streamed.status).toBe(413);
  });

  it("answers a malformed authjs.callback-url cookie without a 500", async () => {
    for (const value of ["%%%not-a-url", "http://[::1", "javascript:alert(1)", "//evil.example/x"]) {
      const res = await GET(at("signin", { headers: { cookie: `authjs.callback-url=${value}` } }));
      expect(res.status).toBeLessThan(500);
      const csrf = await GET(at("csrf", { headers: { cookie: `authjs.callback-url=${value}` } }));
      expect(csrf.status).toBeLessThan(500);
    }
  });

  it("refuses a malformed callbackUrl query with 400 invalid_query, never a 500", async () => {
    const res = await GET(at("signin?callbackUrl=javascript%3Aalert(1)"));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "invalid_query" });
  });

  it("refuses a repeated callbackUrl (Auth.js reads the last one), whatever the methods and values", async () => {
    const garbage = "x".repeat(200);
    for (const query of [
      `callbackUrl=/ok&callbackUrl=${garbage}`,
      `callbackUrl=https://evil.example&callbackUrl=${garbage}`,
      "callbackUrl=/a&callbackUrl=/b",
    ]) {
      const get = await GET(at(`providers?${query}`));
      expect(get.status, query).toBe(400);
      expect(await get.json()).toMatchObject({ code: "invalid_query" });
      const post = await POST(
        at(`providers?${query}`, { method: "POST", headers: { origin: ORIGIN, "content-type": "application/json" }, body: "{}" }),
      );
      expect(post.status, query).toBe(400);
    }
    // One valid value is still fine.
    expect((await GET(at("providers?callbackUrl=/nextauth"))).status).toBe(200);
  });

  it("redirects only within this origin", () => {
    expect(safeRedirect("/nextauth", ORIGIN)).toBe(`${ORIGIN}/nextauth`);
    expect(safeRedirect(`${ORIGIN}/x`, ORIGIN)).toBe(`${ORIGIN}/x`);
    for (const bad of ["%%%", "http://[::1", "https://evil.example/", "//evil.example", "/\\evil.example"]) {
      expect(safeRedirect(bad, ORIGIN)).toBe(ORIGIN);
    }
  });
});

describe("Auth.js's own credentials sign-in is throttled like the JSON one", () => {
  it("refuses with 429 and Retry-After once the account reached its failures", async () => {
    const { createUser } = await import("@/lib/server/data/users");
    const { signInThrottle } = await import("@/lib/server/auth/throttle");
    const email = `authjs-${Date.now()}@example.com`;
    await createUser({ email, name: "Ida", role: "member", passwordHash: "scrypt$1024$8$1$AAAA$AAAA" });
    for (let i = 0; i < 10; i++) await signInThrottle().recordFailure(email, "10.7.0.1");
    const res = await POST(
      at("callback/credentials", {
        method: "POST",
        headers: { origin: ORIGIN, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "10.7.0.2" },
        body: new URLSearchParams({ email, password: "anything" }).toString(),
      }),
    );
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ code: "rate_limited" });
  });

  it("counts a failed Auth.js sign-in as a failure", async () => {
    const { signInThrottle } = await import("@/lib/server/auth/throttle");
    const email = `nobody-${Date.now()}@example.com`;
    const csrf = await GET(at("csrf"));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    for (let i = 0; i < 10; i++) {
      const res = await POST(
        at("callback/credentials", {
          method: "POST",
          headers: { origin: ORIGIN, cookie, "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "10.8.0.1" },
          body: new URLSearchParams({ csrfToken, email, password: "wrong-password" }).toString(),
        }),
      );
      expect(res.status).toBeLessThan(500);
    }
    expect(await signInThrottle().retryAfterSeconds(email, "10.8.0.9")).toBeGreaterThan(0);
  }, 60_000);
});
