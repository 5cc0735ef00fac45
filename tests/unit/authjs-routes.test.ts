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

  it("redirects only within this origin", () => {
    expect(safeRedirect("/nextauth", ORIGIN)).toBe(`${ORIGIN}/nextauth`);
    expect(safeRedirect(`${ORIGIN}/x`, ORIGIN)).toBe(`${ORIGIN}/x`);
    for (const bad of ["%%%", "http://[::1", "https://evil.example/", "//evil.example", "/\\evil.example"]) {
      expect(safeRedirect(bad, ORIGIN)).toBe(ORIGIN);
    }
  });
});
