import { describe, expect, it } from "vitest";
import { SCENARIO_IDS } from "@/lib/catalog/scenarios";
import { VARIANT_IDS } from "@/lib/catalog/variants";
import { parseSetCookie } from "@/lib/compare/client";
import { DEFAULT_SETTINGS, parseRunSettings, PROBE_IDS } from "@/lib/compare/settings";

// What a run may be asked for: the page's run endpoint and the CLI validate with this.

describe("run settings", () => {
  it("defaults to the whole catalog", () => {
    expect(parseRunSettings({})).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
    expect(parseRunSettings(undefined)).toEqual({ ok: true, settings: DEFAULT_SETTINGS });
    expect(DEFAULT_SETTINGS.variants).toEqual([...VARIANT_IDS]);
    expect(DEFAULT_SETTINGS.scenarios).toEqual([...SCENARIO_IDS]);
  });

  it("keeps catalog order and drops duplicates", () => {
    const parsed = parseRunSettings({ variants: ["jwt", "stateful", "jwt"], scenarios: ["disable", "sign-out"], probes: [] });
    expect(parsed).toMatchObject({ ok: true, settings: { variants: ["stateful", "jwt"], scenarios: ["sign-out", "disable"], probes: [] } });
  });

  it.each([
    [{ variants: ["jwt", "paseto"] }, "unknown_variant", /Unknown variant "paseto"/],
    [{ variants: [] }, "unknown_variant", /at least one variant/],
    [{ scenarios: ["sign-out", "time-travel"] }, "unknown_scenario", /"time-travel"/],
    [{ probes: ["nope"] }, "unknown_scenario", /"nope"/],
    [{ scenarios: [], probes: [] }, "unknown_scenario", /at least one scenario/],
    [{ pollMs: 0 }, "invalid_timing", /pollMs must be an integer between 50 and 2000/],
    [{ pollMs: 1e12 }, "invalid_timing", /pollMs/],
    [{ pollMs: 100.5 }, "invalid_timing", /pollMs/],
    [{ concurrency: 10_000 }, "invalid_timing", /concurrency/],
    [{ marginSeconds: -1 }, "invalid_timing", /marginSeconds/],
    [{ marginSeconds: Number.NaN }, "invalid_body", /marginSeconds/],
    [{ pollMs: "250" }, "invalid_body", /pollMs/],
    [{ variants: "jwt" }, "invalid_body", /variants/],
    [{ variants: [1, 2] }, "invalid_body", /variants/],
    [{ extra: true }, "invalid_body", /extra|Unrecognized/i],
    [[], "invalid_body", /./],
    ["run", "invalid_body", /./],
    [{ variants: Array(65).fill("jwt") }, "invalid_body", /variants/],
  ])("refuses %s with %s", (input, code, message) => {
    const parsed = parseRunSettings(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.code).toBe(code);
      expect(parsed.error).toMatch(message);
    }
  });

  it("names every probe the runner knows", () => {
    expect(PROBE_IDS).toEqual(["lifetime", "csrf", "refresh-reuse", "parallel-refresh"]);
  });
});

describe("Set-Cookie as the runner's jar reads it", () => {
  it("keeps the attributes that decide where a browser sends the cookie, and sees deletions", () => {
    expect(parseSetCookie("lab-jwt-refresh=rt1.a.0.b; Path=/api/jwt-refresh/refresh; HttpOnly; SameSite=Strict")).toMatchObject({
      name: "lab-jwt-refresh",
      value: "rt1.a.0.b",
      deleted: false,
      facts: { httpOnly: true, sameSite: "Strict", path: "/api/jwt-refresh/refresh", domain: null, secure: false },
    });
    expect(parseSetCookie("lab-cookie=; Path=/; Max-Age=0")?.deleted).toBe(true);
    expect(parseSetCookie("lab-cookie=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT")?.deleted).toBe(true);
    expect(parseSetCookie("garbage")).toBeNull();
  });
});
