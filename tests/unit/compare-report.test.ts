import { describe, expect, it } from "vitest";
import { SCENARIO_IDS, type ScenarioId } from "@/lib/catalog/scenarios";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { exportRun } from "@/lib/compare/export";
import { classify, expectedFor, observe, replayLifetime } from "@/lib/compare/measure";
import { cellLabel, claims, whatToPick } from "@/lib/compare/report";
import { DEFAULT_SETTINGS } from "@/lib/compare/settings";
import { RESULT_VERSION, type CellResult, type Distribution, type RunResult, type Sample, type VariantCost } from "@/lib/compare/types";

// The claims board, "what to pick" and the exports are derived from a run's
// numbers: change the numbers and the verdicts change with them.

const none: Distribution = { count: 0, median: null, p99: null, max: null };
const dist = (median: number): Distribution => ({ count: 40, median, p99: median * 2, max: median * 2 });

/** A cell whose credential stayed open for `openMs` after the event (0: refused at once; Infinity: never closed). */
function cell(variant: VariantId, scenario: ScenarioId, openMs: number): CellResult {
  const samples: Sample[] =
    openMs === 0
      ? [{ s: 0, r: 10, state: "rejected", status: 401 }]
      : Number.isFinite(openMs)
        ? [
            { s: 0, r: 10, state: "accepted", status: 200 },
            { s: openMs - 250, r: openMs - 240, state: "accepted", status: 200 },
            { s: openMs, r: openMs + 10, state: "rejected", status: 401 },
          ]
        : [
            { s: 0, r: 10, state: "accepted", status: 200 },
            { s: 30_000, r: 30_010, state: "accepted", status: 200 },
          ];
  const lifetime = replayLifetime(variant, "matrix");
  const age = Number.isFinite(openMs) && openMs > 0 ? (lifetime.seconds + lifetime.toleranceSeconds) * 1000 - openMs : 0;
  const observation = observe(samples, age);
  return {
    variant,
    row: scenario,
    kind: "scenario",
    verdict: "match",
    expected: expectedFor(variant, scenario),
    summary: `open ${openMs} ms`,
    explanation: "",
    production: "",
    outcome: classify(observation, lifetime),
    observation,
    event: { request: "POST /x", status: 200, ms: 1 },
    samples,
    lifetime,
    pollMs: 250,
    startedMs: 0,
    finishedMs: 1,
  };
}

function cost(variant: VariantId, lookups: number, bytes: number, ms: number): VariantCost {
  return {
    variant,
    checks: 40,
    lookups: { min: lookups, max: lookups, db: lookups, redis: 0 },
    expectedLookups: VARIANTS[variant].lookupsPerCheck,
    checkMs: dist(ms),
    loadedCheckMs: dist(ms * 10),
    rejectedCheckMs: none,
    credentialBytes: dist(bytes),
    refresh: null,
    cookies: [],
  };
}

function run(variants: VariantId[], open: Record<string, number>, costs: VariantCost[]): RunResult {
  const cells = variants.flatMap((v) => SCENARIO_IDS.map((s) => cell(v, s, open[`${v}/${s}`] ?? open[v] ?? 0)));
  return {
    version: RESULT_VERSION,
    id: "run_test",
    status: "done",
    source: "cli",
    target: { baseUrl: "http://x", label: "test" },
    settings: { ...DEFAULT_SETTINGS, variants, probes: [] },
    profile: "matrix",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:00:30.000Z",
    wallMs: 30_000,
    cells,
    costs,
    counts: { match: cells.length, mismatch: 0, inconclusive: 0, error: 0, na: 0 },
  };
}

describe("derived from the run's numbers", () => {
  const costs = [cost("stateful", 1, 56, 0.4), cost("jwt", 0, 370, 0.2)];

  it("labels a cell by what was observed", () => {
    const r = run(["stateful", "jwt"], { jwt: 14_000, "jwt/name-change": 13_000 }, costs);
    expect(cellLabel(r.cells.find((c) => c.variant === "stateful" && c.row === "sign-out"))).toBe("✓ at once");
    expect(cellLabel(r.cells.find((c) => c.variant === "stateful" && c.row === "name-change"))).toBe("✓ fresh at once");
    expect(cellLabel(r.cells.find((c) => c.variant === "jwt" && c.row === "sign-out"))).toBe("✓ 14.0 s (expiry)");
  });

  it("'smaller on the wire' is refuted when the opaque token is the smallest, confirmed otherwise", () => {
    const byId = (r: RunResult) => Object.fromEntries(claims(r).map((c) => [c.id, c]));
    expect(byId(run(["stateful", "jwt"], { jwt: 14_000 }, costs)).smaller!.verdict).toBe("refuted");
    const flipped = [cost("stateful", 1, 900, 0.4), cost("jwt", 0, 370, 0.2)];
    expect(byId(run(["stateful", "jwt"], { jwt: 14_000 }, flipped)).smaller!.verdict).toBe("confirmed");
  });

  it("'JWT is more secure' follows the stolen-credential and revocation cells", () => {
    const byId = (r: RunResult) => Object.fromEntries(claims(r).map((c) => [c.id, c]));
    const usual = byId(run(["stateful", "jwt"], { jwt: 14_000 }, costs))["more-secure"]!;
    expect(usual.verdict).toBe("refuted");
    expect(usual.finding).toMatch(/kept working for 14\.0 s/);
    const inverted = byId(run(["stateful", "jwt"], { stateful: 14_000, jwt: 0 }, costs))["more-secure"]!;
    expect(inverted.verdict).toBe("confirmed");
  });

  it("'what to pick' names the variants whose measurements meet each need", () => {
    const picks = Object.fromEntries(whatToPick(run(["stateful", "jwt"], { jwt: 14_000 }, costs)).map((p) => [p.need, p.answer]));
    expect(picks["Instant revocation (sign-out, sign-out everywhere, disabling, password change)"]).toMatch(
      /^`stateful` \(1 lookup per check/,
    );
    expect(picks["No lookup per request"]).toMatch(/^`jwt` had the shortest worst window \(14\.0 s here; up to 15 min/);
    const nobody = whatToPick(run(["stateful", "jwt"], { stateful: 5000, jwt: 14_000 }, costs));
    expect(nobody[0]!.answer).toBe("No variant in this run refused every revoked credential on the next request.");
  });
});

describe("exports", () => {
  const r = run(["stateful", "jwt"], { jwt: 14_000 }, [cost("stateful", 1, 56, 0.4), cost("jwt", 0, 370, 0.2)]);

  it("Markdown carries the matrix, the costs, the claims and what to pick", () => {
    const md = exportRun(r, "md");
    expect(md).toContain("| | `stateful` | `jwt` |");
    expect(md).toContain("| Sign-out | ✓ at once | ✓ 14.0 s (expiry) |");
    expect(md).toMatch(/## Per-request cost[\s\S]*\| `stateful` \| 1 \(1\) \|/);
    expect(md).toContain("## Claims");
    expect(md).toContain("## What to pick");
  });

  it("CSV has one row per cell and cannot smuggle a spreadsheet formula", () => {
    const tricky = { ...r, cells: r.cells.map((c, i) => (i === 0 ? { ...c, summary: '=HYPERLINK("http://evil")', problem: "a, b" } : c)) };
    const lines = exportRun(tricky, "csv").trimEnd().split("\n");
    expect(lines).toHaveLength(1 + r.cells.length);
    expect(lines[0]).toMatch(/^variant,row,kind,verdict,outcome,/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[1]).toContain('"a, b"');
  });

  it("JSON is the result itself", () => {
    expect(JSON.parse(exportRun(r, "json"))).toEqual(r);
  });
});
