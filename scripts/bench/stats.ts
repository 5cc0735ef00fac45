// Small helpers shared by the benchmark's parts: percentiles of samples and
// the facts about the machine and build that make a result comparable.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { machineFingerprint } from "@/lib/server/bench-results";

export interface Distribution {
  /** Median, µs. */
  medianUs: number;
  /** 99th percentile, µs. */
  p99Us: number;
  samples: number;
}

export function distribution(samplesUs: number[]): Distribution {
  const sorted = [...samplesUs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;
  return { medianUs: at(0.5), p99Us: at(0.99), samples: sorted.length };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * Times `iterations` sequential calls of `work` one by one (after `warmup`
 * untimed calls, for the JIT and statement caches) and returns their
 * distribution. One call at a time: the figure is the cost of one check, not
 * of many interleaved ones.
 */
export async function timeCalls(work: () => Promise<unknown> | unknown, iterations: number, warmup: number): Promise<Distribution> {
  for (let i = 0; i < warmup; i++) await work();
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await work();
    samples[i] = (performance.now() - start) * 1000;
  }
  return distribution(samples);
}

export function gitCommit(): string | null {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { encoding: "utf8" }).trim() !== "";
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}

export function buildId(): string | null {
  return existsSync(".next/BUILD_ID") ? readFileSync(".next/BUILD_ID", "utf8").trim() : null;
}

export function machineFacts() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    fingerprint: machineFingerprint(),
  };
}

/** The 1-minute load average, rounded: other work on the machine skews every figure. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

/**
 * The demo accounts' password in every part of the bench: the in-process part resets the demo data with it, and
 * the server is started with it as DEMO_PASSWORD. On PostgreSQL both parts use the same database (the server
 * seeds only an empty one), so one password is what lets the HTTP part sign in after the reset.
 */
export const BENCH_PASSWORD = "lab-bench-password";
