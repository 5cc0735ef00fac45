import { VARIANTS, type VariantId } from "@/lib/catalog/variants";

// The benchmark's goals (issue: performance) and, for every variant that
// misses one, the measured reason: printed by `npm run bench`, stored in its
// JSON and shown on /compare. Pure functions over a run's figures.

/** Protected route ÷ unauthenticated baseline, requests per server CPU-second. */
export const THROUGHPUT_GOAL = 0.85;
/** In-process check ÷ the floor of its library chain. */
export const FLOOR_GOAL = 1.5;

export interface VerdictInput {
  inProcess: {
    variant: string;
    check: { medianUs: number };
    floorUs: number;
    floorChain: string[];
    ratioToFloor: number;
    /** The same chain with the raw driver's lookup instead of Prisma's $queryRaw (the session checks bypass the latter). */
    driverFloorUs?: number;
  }[];
  floors: Record<string, { medianUs: number }>;
  http: { variant: string; ratio: number; baseline: { reqPerCpuSecond: number }; serverCheck: { medianUs: number } }[];
}

export interface ThroughputVerdict {
  variant: string;
  ratio: number;
  /** library: its library chain alone costs more than the goal leaves room for; ours: it does not, so the rest is ours to fix. */
  cause: "library" | "ours";
  /** CPU a baseline request costs, µs (1 / its requests per server CPU-second). */
  baselineCpuUs: number;
  /** What a check may add to a baseline request and still reach the goal, µs. */
  budgetUs: number;
  floorUs: number;
  /** The speed switch of the same strategy that does reach the goal in this run, if any. */
  remedy: { variant: string; ratio: number } | null;
  reason: string;
}

const us = (v: number) => (v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
const pct = (r: number) => `${Math.round(r * 100)}%`;

/** Speed switches of a variant's strategy: its own seal/row/token cache or lazy re-issue (lib/catalog/variants.ts). */
function speedSwitches(variant: string): VariantId[] {
  const info = VARIANTS[variant as VariantId];
  if (!info) return [];
  return Object.values(VARIANTS)
    .filter((v) => v.id !== variant && v.base === info.base && (v.speedOnly || v.stores.check.includes("session-cache")))
    .map((v) => v.id);
}

/**
 * Every variant under THROUGHPUT_GOAL, with why. The library floor is measured hot, in process: a lower
 * bound of what the library costs in a server. If even that exceeds the budget, no implementation of that
 * chain can reach the goal as the library ships.
 */
export function throughputVerdicts(input: VerdictInput): ThroughputVerdict[] {
  const ratios = new Map(input.http.map((h) => [h.variant, h.ratio]));
  return input.http
    .filter((h) => h.ratio < THROUGHPUT_GOAL)
    .map((h) => {
      const ip = input.inProcess.find((v) => v.variant === h.variant);
      const baselineCpuUs = 1e6 / h.baseline.reqPerCpuSecond;
      const budgetUs = baselineCpuUs * (1 / THROUGHPUT_GOAL - 1);
      // The lookups at the raw driver's cost when that is lower: the checks read through the driver adapter, not $queryRaw.
      const viaDriver = ip?.driverFloorUs !== undefined && ip.driverFloorUs < ip.floorUs;
      const floorUs = (viaDriver ? ip.driverFloorUs : ip?.floorUs) ?? 0;
      const chain =
        ip?.floorChain.map((f) => (viaDriver && f === "prisma-lookup" ? "driver-lookup" : f)).join(" + ") ?? "its library chain";
      const best = speedSwitches(h.variant)
        .map((id) => ({ variant: id, ratio: ratios.get(id) ?? 0 }))
        .filter((s) => s.ratio >= THROUGHPUT_GOAL)
        .sort((a, b) => b.ratio - a.ratio)[0];
      const remedy = best ?? null;
      const room = `a request may add ${us(budgetUs)} µs to the baseline's ${us(baselineCpuUs)} µs of server CPU and stay at ${pct(THROUGHPUT_GOAL)}`;
      const measured = { variant: h.variant, ratio: h.ratio, baselineCpuUs, budgetUs, floorUs, remedy };
      if (floorUs > budgetUs) {
        return {
          ...measured,
          cause: "library" as const,
          reason:
            `${chain} alone costs ${us(floorUs)} µs per check; ${room}. The library's floor rules out ${pct(THROUGHPUT_GOAL)} as shipped` +
            (remedy ? `; ${remedy.variant}, the speed switch of its strategy, reaches ${pct(remedy.ratio)}.` : "."),
        };
      }
      return {
        ...measured,
        cause: "ours" as const,
        reason: `${chain} costs ${us(floorUs)} µs, within the budget (${room}), but the check takes ${us(h.serverCheck.medianUs)} µs in the server: ours to fix.`,
      };
    });
}

export interface FloorVerdict {
  variant: string;
  ratioToFloor: number;
  reason: string;
}

/** Every variant whose in-process check is over FLOOR_GOAL × its floor, with what the extra is, where it is known. */
export function floorVerdicts(input: VerdictInput): FloorVerdict[] {
  return input.inProcess
    .filter((v) => v.ratioToFloor > FLOOR_GOAL)
    .map((v) => {
      const info = VARIANTS[v.variant as VariantId];
      const extraUs = v.check.medianUs - v.floorUs;
      const encode = input.floors["authjs-encode"]?.medianUs;
      let reason: string;
      if (info?.base === "nextauth" && v.floorChain[0] === "authjs-decode" && encode !== undefined) {
        reason = `Auth.js's session read decodes and then re-encrypts the token (its encode() alone: ${us(encode)} µs) on every read, by design; nextauth-lazy re-issues past half the lifetime only.`;
      } else if (v.floorChain.length === 1 && v.floorChain[0] === "sha256") {
        reason = `a cache hit: the floor is one SHA-256 (${us(v.floorUs)} µs); the other ${us(extraUs)} µs are the check's own work around it (reading the credential, the expiry check, building the session), a few microseconds that only matter next to a floor this small.`;
      } else {
        reason = `${us(extraUs)} µs above ${v.floorChain.join(" + ")}: ours to fix.`;
      }
      return { variant: v.variant, ratioToFloor: v.ratioToFloor, reason };
    });
}
