import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";

// The results of `npm run bench` (scripts/bench/run.ts) as /compare reads
// them: the latest run's JSON in bench-results/, validated, and compared with
// the machine and build serving the page, since a figure measured elsewhere
// says little about this server. Server-only by folder convention.

export const BENCH_RESULTS_DIR = "bench-results";
export const LATEST_BENCH_FILE = path.join(BENCH_RESULTS_DIR, "latest.json");

const distribution = z.object({ medianUs: z.number(), p99Us: z.number(), samples: z.number() });
const loadRun = z.object({
  reqPerSec: z.number(),
  reqPerCpuSecond: z.number(),
  requests: z.number(),
  latencyP50Ms: z.number(),
  latencyP99Ms: z.number(),
});

export const benchReportSchema = z.object({
  version: z.literal(1),
  mode: z.enum(["full", "quick", "smoke"]),
  measuredAt: z.string(),
  finishedAt: z.string(),
  machine: z.object({
    cores: z.number(),
    cpuModel: z.string(),
    node: z.string(),
    platform: z.string(),
    fingerprint: z.string(),
    loadAverage: z.object({ start: z.number(), end: z.number() }),
  }),
  build: z.object({ id: z.string(), commit: z.string().nullable() }),
  database: z.enum(["sqlite", "postgresql"]),
  counts: z.object({ iterations: z.number(), rounds: z.number(), durationSeconds: z.number(), connections: z.number() }),
  inProcess: z.object({
    database: z.enum(["sqlite", "postgresql"]),
    floors: z.record(z.string(), distribution),
    variants: z.array(
      z.object({
        variant: z.string(),
        check: distribution,
        /** Absent in results of earlier versions of the bench. */
        coldCheck: distribution.optional(),
        floorChain: z.array(z.string()),
        floorUs: z.number(),
        driverFloorUs: z.number(),
        ratioToFloor: z.number(),
        credentialBytes: z.number(),
      }),
    ),
  }),
  http: z.object({
    pinned: z.boolean(),
    pinning: z.string(),
    connections: z.number(),
    durationSeconds: z.number(),
    rounds: z.number(),
    rows: z.array(
      z.object({
        variant: z.string(),
        protected: loadRun,
        baseline: loadRun,
        ratio: z.number(),
        wallRatio: z.number(),
        serverCheck: distribution,
        lookups: z.number(),
        rssPeakMb: z.number(),
      }),
    ),
    rssMb: z.object({ peak: z.number(), idle: z.number() }),
    matrix: z.object({ wallSeconds: z.number(), exitCode: z.number().nullable(), cells: z.number(), args: z.array(z.string()) }),
  }),
  summary: z.object({
    minRatio: z.number(),
    variant: z.string(),
    // Absent in results of earlier versions of the bench (lib/bench/verdicts.ts).
    belowGoal: z
      .array(z.object({ variant: z.string(), ratio: z.number(), cause: z.enum(["library", "ours"]), reason: z.string() }))
      .optional(),
    overFloor: z.array(z.object({ variant: z.string(), ratioToFloor: z.number(), reason: z.string() })).optional(),
  }),
});
export type BenchReport = z.infer<typeof benchReportSchema>;

/**
 * What identifies the machine a result was measured on: host name, CPU model
 * and count and memory, hashed (only compared, never shown).
 */
export function machineFingerprint(): string {
  const cpus = os.cpus();
  return createHash("sha256")
    .update([os.hostname(), cpus[0]?.model ?? "?", cpus.length, os.totalmem()].join("|"))
    .digest("hex")
    .slice(0, 16);
}

/** The build this process serves (.next/BUILD_ID), or null outside a production build. */
export function currentBuildId(root = process.cwd()): string | null {
  const file = path.join(root, ".next", "BUILD_ID");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

export type LatestBench =
  | { state: "none" }
  | { state: "unreadable"; reason: string }
  | { state: "ok"; report: BenchReport; sameMachine: boolean; sameBuild: boolean };

/** The latest full or quick bench run, and whether it was measured on this machine and this build. */
export function loadLatestBench(root = process.cwd()): LatestBench {
  const file = path.join(root, LATEST_BENCH_FILE);
  if (!existsSync(file)) return { state: "none" };
  let parsed;
  try {
    parsed = benchReportSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    return { state: "unreadable", reason: `${LATEST_BENCH_FILE} is not valid JSON` };
  }
  if (!parsed.success) return { state: "unreadable", reason: `${LATEST_BENCH_FILE} is not a result of this version of npm run bench` };
  const report = parsed.data;
  return {
    state: "ok",
    report,
    sameMachine: report.machine.fingerprint === machineFingerprint(),
    sameBuild: report.build.id === currentBuildId(root),
  };
}
