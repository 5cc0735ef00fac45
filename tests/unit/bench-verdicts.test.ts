import { describe, expect, it } from "vitest";
import { floorVerdicts, throughputVerdicts, type VerdictInput } from "@/lib/bench/verdicts";

// The benchmark's reasons for a missed goal are computed from the run's own figures (lib/bench/verdicts.ts).

const row = (variant: string, ratio: number, baselineReqPerCpuSecond = 1000) => ({
  variant,
  ratio,
  baseline: { reqPerCpuSecond: baselineReqPerCpuSecond },
  serverCheck: { medianUs: 150 },
});
const ip = (variant: string, medianUs: number, floorUs: number, floorChain: string[]) => ({
  variant,
  check: { medianUs },
  floorUs,
  floorChain,
  ratioToFloor: medianUs / floorUs,
});

describe("throughput verdicts", () => {
  it("blames the library when its floor alone exceeds what a request may add, and names the switch that reaches the goal", () => {
    // Baseline: 1,000 µs of CPU per request, so 85 % leaves 176 µs for the check.
    const input: VerdictInput = {
      inProcess: [
        ip("cookie", 500, 480, ["iron-unseal"]),
        ip("cookie-cache", 5, 2, ["sha256"]),
        ip("stateful", 20, 8, ["sha256", "prisma-lookup"]),
      ],
      floors: {},
      http: [row("cookie", 0.7), row("cookie-cache", 0.95), row("stateful", 0.8), row("jwt", 0.9)],
    };
    const verdicts = throughputVerdicts(input);
    expect(verdicts.map((v) => v.variant)).toEqual(["cookie", "stateful"]);
    const [cookie, stateful] = verdicts;
    expect(cookie).toMatchObject({ cause: "library", floorUs: 480, remedy: { variant: "cookie-cache", ratio: 0.95 } });
    expect(cookie!.budgetUs).toBeCloseTo(1000 / 0.85 - 1000, 5);
    expect(cookie!.reason).toContain("iron-unseal alone costs 480 µs");
    expect(cookie!.reason).toContain("cookie-cache, the speed switch of its strategy, reaches 95%");
    // A cheap chain under the goal is ours to fix, whatever the library.
    expect(stateful).toMatchObject({ cause: "ours", remedy: null });
    expect(stateful!.reason).toContain("ours to fix");
  });

  it("offers no switch that misses the goal itself", () => {
    const input: VerdictInput = {
      inProcess: [ip("nextauth", 1500, 700, ["authjs-decode"])],
      floors: {},
      http: [row("nextauth", 0.5), row("nextauth-lazy", 0.8)],
    };
    expect(throughputVerdicts(input)[0]).toMatchObject({ cause: "library", remedy: null });
  });
});

describe("lookups at the driver's cost", () => {
  it("judges a lookup chain by the raw driver's floor when it is lower than Prisma's $queryRaw", () => {
    const input: VerdictInput = {
      inProcess: [{ ...ip("stateful", 220, 430, ["sha256", "prisma-lookup"]), driverFloorUs: 185 }],
      floors: {},
      http: [row("stateful", 0.8, 800)], // budget: 1,250 µs × (1/0.85 − 1) ≈ 221 µs
    };
    const [stateful] = throughputVerdicts(input);
    expect(stateful).toMatchObject({ cause: "ours", floorUs: 185 });
    expect(stateful!.reason).toContain("sha256 + driver-lookup costs 185 µs");
  });
});

describe("floor verdicts", () => {
  it("explains Auth.js's re-encryption with the measured encode(), and a cache hit's constant", () => {
    const input: VerdictInput = {
      inProcess: [
        ip("nextauth", 1500, 700, ["authjs-decode"]),
        ip("stateful-cache", 5, 1.5, ["sha256"]),
        ip("jwt", 110, 100, ["jose-verify"]),
        ip("stateful", 30, 10, ["sha256", "prisma-lookup"]),
      ],
      floors: { "authjs-encode": { medianUs: 480 } },
      http: [],
    };
    const verdicts = floorVerdicts(input);
    expect(verdicts.map((v) => v.variant)).toEqual(["nextauth", "stateful-cache", "stateful"]);
    expect(verdicts[0]!.reason).toContain("480 µs");
    expect(verdicts[1]!.reason).toContain("one SHA-256");
    expect(verdicts[2]!.reason).toContain("ours to fix");
  });
});
