import { describe, expect, it } from "vitest";
import { expectedHandoffWindow, HANDOFF_EVENT_IDS, HANDOFF_FLOW_IDS, HANDOFF_FLOWS, NAIVE_TTL_SECONDS } from "@/lib/catalog/handoff";
import { PROCESS_PROFILES } from "@/lib/catalog/lifetimes";
import { HANDOFF_MAX_TTL_SECONDS, partnerReturnPath, PARTNER_HOME, PARTNER_RETURN_PATHS } from "@/lib/handoff";

describe("the cross-domain scenario's catalog", () => {
  it("expects the handoff refused at once and the naive JWT accepted until it expires, for every event", () => {
    for (const event of HANDOFF_EVENT_IDS) {
      expect(HANDOFF_FLOWS.handoff.expected[event].window).toBe("none");
      expect(HANDOFF_FLOWS.naive.expected[event].window).toBe("credential");
      for (const flow of HANDOFF_FLOW_IDS) expect(HANDOFF_FLOWS[flow].expected[event].reason.length).toBeGreaterThan(20);
    }
    expect(expectedHandoffWindow("handoff", "disable", "production")).toEqual({ seconds: 0, text: "rejected on the next request" });
    expect(expectedHandoffWindow("naive", "sign-out", "production")).toEqual({
      seconds: 7 * 24 * 3600 + 5,
      text: "the shared JWT keeps working on B for up to 7 days (its own lifetime)",
    });
    expect(expectedHandoffWindow("naive", "sign-out", "matrix").seconds).toBe(15);
  });

  it("gives the matrix profile the shortest naive lifetime, well within a 30 s run", () => {
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
