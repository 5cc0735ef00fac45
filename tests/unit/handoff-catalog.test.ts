import { describe, expect, it } from "vitest";
import { NAIVE_TTL_SECONDS } from "@/lib/catalog/handoff";
import { PROCESS_PROFILES } from "@/lib/catalog/lifetimes";
import { expectedWindow, VARIANT_IDS, VARIANTS } from "@/lib/catalog/variants";
import { handoffTargets } from "@/lib/compare/cross-domain";
import { cellLifetime, productionMeaning } from "@/lib/compare/measure";
import { SCENARIO_DRIVERS } from "@/lib/compare/scenarios";
import { HANDOFF_MAX_TTL_SECONDS, partnerReturnPath, PARTNER_HOME, PARTNER_RETURN_PATHS } from "@/lib/handoff";

describe("the naive JWT's lifetimes", () => {
  it("are long in production and the shortest under the matrix profile, well within a 30 s run", () => {
    expect(NAIVE_TTL_SECONDS.production).toBe(7 * 24 * 3600);
    for (const profile of PROCESS_PROFILES) expect(NAIVE_TTL_SECONDS.matrix).toBeLessThan(NAIVE_TTL_SECONDS[profile]);
    expect(NAIVE_TTL_SECONDS.matrix + 5).toBeLessThan(30);
  });
});

describe("the handoff's redirect allowlist", () => {
  it("honours exactly the listed paths and nothing that merely looks like them", () => {
    for (const path of PARTNER_RETURN_PATHS) expect(partnerReturnPath(path)).toBe(path);
    for (const next of [
      undefined,
      null,
      42,
      "",
      "/partner/",
      "/PARTNER",
      "/partner?x",
      "//evil.test",
      "https://evil.test",
      "/\\evil.test",
    ]) {
      expect(partnerReturnPath(next)).toBe(PARTNER_HOME);
    }
    expect(HANDOFF_MAX_TTL_SECONDS).toBeLessThanOrEqual(60);
  });
});

describe("the cross-domain rows of the comparison", () => {
  const targets = handoffTargets({ a: "http://localhost:3000", b: "http://127.0.0.1:3000" });

  it("measure the handoff under stateful and the naive JWT under jwt, and nothing elsewhere", () => {
    for (const scenario of ["cross-domain-sign-out", "cross-domain-disable"] as const) {
      expect(VARIANTS.stateful.expected[scenario]).toMatchObject({ window: "none" });
      expect(VARIANTS.jwt.expected[scenario]).toMatchObject({ window: "credential" });
      expect(SCENARIO_DRIVERS[scenario].appliesTo!("stateful", targets)).toBe(true);
      expect(SCENARIO_DRIVERS[scenario].appliesTo!("jwt", targets)).toBe(true);
      for (const id of VARIANT_IDS.filter((v) => v !== "stateful" && v !== "jwt")) {
        expect(VARIANTS[id].expected[scenario].notApplicable, id).toBe(true);
        expect(SCENARIO_DRIVERS[scenario].appliesTo!(id, targets)).toBe(VARIANTS[id].expected[scenario].reason);
      }
      // Without the app's two origins there is nothing to cross.
      expect(SCENARIO_DRIVERS[scenario].appliesTo!("stateful", {})).toMatch(/two origins/);
    }
    expect(SCENARIO_DRIVERS["cross-domain-disable"].needs).toEqual({ subjectRole: "member", admin: true });
  });

  it("give the naive JWT its own lifetime: a week in production, the matrix profile's within a run", () => {
    expect(expectedWindow("jwt", "cross-domain-sign-out", "production")).toEqual({
      seconds: 7 * 24 * 3600 + 5,
      text: "the old credential keeps working for up to 7 days (the credential's lifetime)",
    });
    expect(expectedWindow("jwt", "cross-domain-disable", "matrix").seconds).toBe(15);
    expect(cellLifetime("jwt", "cross-domain-sign-out", "matrix")).toMatchObject({ seconds: 10, toleranceSeconds: 5 });
    expect(cellLifetime("jwt", "sign-out", "production").seconds).toBe(15 * 60); // the jwt strategy's own, elsewhere
    expect(productionMeaning("jwt", "cross-domain-sign-out", "expiry")).toBe(
      "the old credential keeps working for up to 7 days (+5 s tolerance)",
    );
    expect(productionMeaning("stateful", "cross-domain-disable", "immediate")).toBe("refused on the next request, at any lifetime");
  });
});
