import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "@/lib/server/http/origin";

const APP = "http://localhost:3000";
const h = (init: Record<string, string>) => new Headers(init);

describe("CSRF origin check", () => {
  it("accepts the exact app origin only", () => {
    expect(isSameOriginRequest(h({ origin: APP }), APP)).toBe(true);
    for (const origin of ["http://evil.test", "http://localhost:3001", "https://localhost:3000", "http://127.0.0.1:3000", "null", "http://localhost:3000.evil.test"]) {
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
