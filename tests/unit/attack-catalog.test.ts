import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ATTACK_IDS, ATTACKS, attackExpectation } from "@/lib/catalog/attacks";
import { SECURITY_PROPERTY_IDS, SECURITY_RESULTS_FILE } from "@/lib/catalog/security-properties";
import { agrees, observedByCell, readSecurityResults } from "@/lib/server/data/security-results";

describe("the attack lab's attacks", () => {
  it("each tests a catalog property and is offered only where that property is not n/a", () => {
    for (const id of ATTACK_IDS) {
      const a = ATTACKS[id];
      expect(a.id).toBe(id);
      expect(SECURITY_PROPERTY_IDS).toContain(a.property);
      expect(a.variants.length, id).toBeGreaterThan(0);
      for (const v of a.variants) expect(attackExpectation(id, v).outcome.outcome, `${id}/${v}`).not.toBe("n/a");
    }
  });
});

describe("the suite's results file", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is read when valid, and treated as absent when missing or malformed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "results-"));
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    expect(await readSecurityResults()).toBeNull();
    mkdirSync(path.join(dir, path.dirname(SECURITY_RESULTS_FILE)), { recursive: true });
    writeFileSync(path.join(dir, SECURITY_RESULTS_FILE), "{not json");
    expect(await readSecurityResults()).toBeNull();
    writeFileSync(path.join(dir, SECURITY_RESULTS_FILE), JSON.stringify({ runAt: 1 }));
    expect(await readSecurityResults()).toBeNull();
    const cell = (observed: string) => ({
      property: "R1",
      variant: "cookie",
      expected: "fails-by-design",
      observed,
      detail: "d",
      status: "passed",
    });
    const file = {
      runAt: "2026-01-01T00:00:00Z",
      finishedAt: "2026-01-01T00:05:00Z",
      status: "passed",
      baseURL: null,
      cells: [cell("fails"), cell("holds"), cell("fails")],
    };
    writeFileSync(path.join(dir, SECURITY_RESULTS_FILE), JSON.stringify(file));
    const results = await readSecurityResults();
    expect(results?.cells).toHaveLength(3);
    // A cell judged twice keeps the observation that disagrees with the catalog.
    expect(observedByCell(results).get("R1/cookie")?.observed).toBe("holds");
  });

  it("agrees: holds must hold, fails-by-design must fail", () => {
    expect(agrees({ expected: "holds", observed: "holds" })).toBe(true);
    expect(agrees({ expected: "holds", observed: "fails" })).toBe(false);
    expect(agrees({ expected: "fails-by-design", observed: "fails" })).toBe(true);
    expect(agrees({ expected: "fails-by-design", observed: "holds" })).toBe(false);
    expect(agrees({ expected: "holds", observed: "error" })).toBe(false);
  });
});
