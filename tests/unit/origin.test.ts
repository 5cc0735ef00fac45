import { describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { contextFromRequest, isSameOriginRequest, requestAtOrigin, requestOrigin } from "@/lib/server/http/credential-context";

const APP = "http://localhost:3000";
const h = (init: Record<string, string>) => new Headers(init);

describe("CSRF origin check", () => {
  it("accepts the exact app origin only", () => {
    expect(isSameOriginRequest(h({ origin: APP }), APP)).toBe(true);
    for (const origin of [
      "http://evil.test",
      "http://localhost:3001",
      "https://localhost:3000",
      "http://127.0.0.1:3000",
      "null",
      "http://localhost:3000.evil.test",
    ]) {
      expect(isSameOriginRequest(h({ origin }), APP)).toBe(false);
    }
  });

  it("falls back to Sec-Fetch-Site when Origin is absent", () => {
    expect(isSameOriginRequest(h({ "sec-fetch-site": "same-origin" }), APP)).toBe(true);
    expect(isSameOriginRequest(h({ "sec-fetch-site": "cross-site" }), APP)).toBe(false);
    expect(isSameOriginRequest(h({ "sec-fetch-site": "same-site" }), APP)).toBe(false);
  });

  it("lets non-browser clients (neither header) through: they carry no ambient cookie", () => {
    expect(isSameOriginRequest(h({}), APP)).toBe(true);
  });
});

describe("the app's own origin", () => {
  const h = (init: Record<string, string>) => new Headers(init);
  const direct = { trustProxy: false };

  it("comes from the Host header, and a malformed Host gives none", () => {
    expect(requestOrigin(h({ host: "localhost:3000" }), direct)).toBe("http://localhost:3000");
    expect(requestOrigin(h({ host: "[::1]:3000" }), direct)).toBe("http://[::1]:3000");
    for (const host of ["a b", "[", "evil.test/x", "a\\b", ""]) expect(requestOrigin(h({ host }), direct)).toBeNull();
  });

  it("ignores X-Forwarded-* unless TRUST_PROXY, and then takes the nearest proxy's (last) value", () => {
    const forged = h({ host: "localhost:3000", "x-forwarded-host": "evil.test", "x-forwarded-proto": "https" });
    expect(requestOrigin(forged, direct)).toBe("http://localhost:3000");
    const proxied = h({ host: "app:3000", "x-forwarded-host": "evil.test, lab.example.com", "x-forwarded-proto": "http, https" });
    expect(requestOrigin(proxied, { trustProxy: true })).toBe("https://lab.example.com");
  });

  it("is the configured APP_ORIGIN when there is one", () => {
    expect(requestOrigin(h({ host: "anything" }), { appOrigin: "https://lab.example.com", trustProxy: true })).toBe(
      "https://lab.example.com",
    );
  });

  it("with APP_ORIGIN, is another configured origin (the handoff's partner) only when the Host names it", () => {
    const policy = { appOrigin: "https://a.example", trustProxy: false, alsoServes: ["https://a.example", "https://b.example:8443"] };
    expect(requestOrigin(h({ host: "b.example:8443" }), policy)).toBe("https://b.example:8443");
    expect(requestOrigin(h({ host: "B.EXAMPLE:8443" }), policy)).toBe("https://b.example:8443");
    // Never a scheme or host the request chose: anything else is APP_ORIGIN.
    for (const host of ["b.example", "evil.test", "b.example:8443.evil.test", "a.example"]) {
      expect(requestOrigin(h({ host }), policy)).toBe("https://a.example");
    }
    expect(requestOrigin(h({ host: "app", "x-forwarded-host": "b.example:8443" }), policy)).toBe("https://a.example");
    expect(requestOrigin(h({ host: "app", "x-forwarded-host": "b.example:8443" }), { ...policy, trustProxy: true })).toBe(
      "https://b.example:8443",
    );
  });
});

describe("route handlers", () => {
  // Next.js builds req.url's scheme from the client's X-Forwarded-Proto; the context must not follow it.
  const forged = () =>
    new NextRequest("https://localhost:3000/api/stateful/login", {
      method: "POST",
      headers: {
        host: "localhost:3000",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "evil.test",
        "content-type": "application/json",
      },
      body: '{"a":1}',
    });

  it("take origin and https from the policy, never from req.url", () => {
    const ctx = contextFromRequest(forged(), { trustProxy: false });
    expect(ctx).toMatchObject({ origin: "http://localhost:3000", secure: false });
    expect(contextFromRequest(forged(), { trustProxy: false, appOrigin: "https://lab.example.com" })).toMatchObject({ secure: true });
    expect(contextFromRequest(new NextRequest("http://x/", { headers: { host: "a b" } }), { trustProxy: false })).toBeNull();
  });

  it("can hand Auth.js a request addressed to the decided origin, body intact", async () => {
    const moved = requestAtOrigin(forged(), "http://localhost:3000");
    expect(moved.url).toBe("http://localhost:3000/api/stateful/login");
    expect(moved.headers.get("x-forwarded-proto")).toBe("http");
    expect(moved.headers.get("x-forwarded-host")).toBe("localhost:3000");
    expect(moved.method).toBe("POST");
    expect(await moved.json()).toEqual({ a: 1 });
  });
});
