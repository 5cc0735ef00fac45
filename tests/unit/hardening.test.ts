import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { prepareSqliteFile } from "@/lib/server/db/config";
import { contentSecurityPolicy } from "@/lib/server/http/security-headers";

// Behind a proxy that says the request came over https (TRUST_PROXY=1), as a deployment would be.
vi.stubEnv("TRUST_PROXY", "1");
const { proxy } = await import("@/proxy");

const page = (path: string, headers: Record<string, string> = {}) =>
  new NextRequest(`http://lab.example${path}`, { headers: { host: "lab.example", ...headers } });

describe("page security headers (proxy.ts)", () => {
  it("sends a nonce CSP with no unsafe-inline script on every page, a new nonce each time", () => {
    const first = proxy(page("/")).headers.get("content-security-policy")!;
    const second = proxy(page("/compare")).headers.get("content-security-policy")!;
    for (const csp of [first, second]) {
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{22,}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
    expect(first.match(/nonce-([^']+)/)![1]).not.toBe(second.match(/nonce-([^']+)/)![1]);
  });

  it("hands the nonce to Next.js on the request, also for a redirect to sign-in", () => {
    const redirected = proxy(page("/stateful/notes"));
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get("content-security-policy")).toContain("'nonce-");
    const passed = proxy(page("/stateful/notes", { cookie: "lab-stateful=x" }));
    expect(passed.headers.get("x-middleware-request-content-security-policy")).toBe(passed.headers.get("content-security-policy"));
  });

  it("sends HSTS only when the page is served over https", () => {
    expect(proxy(page("/", { "x-forwarded-proto": "https" })).headers.get("strict-transport-security")).toBe(
      "max-age=63072000; includeSubDomains",
    );
    expect(proxy(page("/", { "x-forwarded-proto": "http" })).headers.get("strict-transport-security")).toBeNull();
    expect(proxy(page("/")).headers.get("strict-transport-security")).toBeNull();
  });

  it("adds unsafe-eval only in development", () => {
    expect(contentSecurityPolicy("n", { development: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy("n")).not.toContain("unsafe-eval");
  });
});

describe("the SQLite file is the owner's only", () => {
  it("creates data/ 0700 and the database file 0600", () => {
    const root = mkdtempSync(path.join(tmpdir(), "perm-"));
    const file = path.join(root, "data", "lab.db");
    prepareSqliteFile(file, root);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("tightens an existing world-readable database file", async () => {
    const { chmodSync, writeFileSync } = await import("node:fs");
    const root = mkdtempSync(path.join(tmpdir(), "perm-"));
    const file = path.join(root, "old.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    prepareSqliteFile(file, root);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
