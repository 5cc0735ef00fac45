import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LATEST_BENCH_FILE, loadLatestBench, machineFingerprint, type BenchReport } from "@/lib/server/bench-results";

const dist = { medianUs: 10, p99Us: 20, samples: 100 };
const run = { reqPerSec: 900, reqPerCpuSecond: 1000, requests: 9000, latencyP50Ms: 20, latencyP99Ms: 40 };

function report(overrides: { fingerprint?: string; buildId?: string } = {}): BenchReport {
  return {
    version: 1,
    mode: "full",
    measuredAt: "2026-11-29T17:00:00.000Z",
    finishedAt: "2026-11-29T17:06:00.000Z",
    machine: {
      cores: 2,
      cpuModel: "test cpu",
      node: "v20.20.2",
      platform: "linux",
      fingerprint: overrides.fingerprint ?? machineFingerprint(),
      loadAverage: { start: 1, end: 1 },
    },
    build: { id: overrides.buildId ?? "build-1", commit: "abc" },
    database: "sqlite",
    counts: { iterations: 3000, rounds: 3, durationSeconds: 5, connections: 20 },
    inProcess: {
      database: "sqlite",
      floors: { "jose-verify": dist },
      variants: [
        { variant: "jwt", check: dist, floorChain: ["jose-verify"], floorUs: 10, driverFloorUs: 10, ratioToFloor: 1, credentialBytes: 300 },
      ],
    },
    http: {
      pinned: true,
      pinning: "server pinned to core 0",
      connections: 20,
      durationSeconds: 5,
      rounds: 3,
      rows: [{ variant: "jwt", protected: run, baseline: run, ratio: 1, wallRatio: 1, serverCheck: dist, lookups: 0, rssPeakMb: 200 }],
      rssMb: { peak: 200, idle: 150 },
      matrix: { wallSeconds: 20, exitCode: 0, cells: 100, args: [] },
    },
    summary: { minRatio: 1, variant: "jwt" },
  };
}

let root: string;
function project(latest?: string, buildId = "build-1") {
  root = mkdtempSync(path.join(os.tmpdir(), "bench-results-"));
  mkdirSync(path.join(root, ".next"));
  writeFileSync(path.join(root, ".next", "BUILD_ID"), buildId);
  if (latest !== undefined) {
    mkdirSync(path.join(root, path.dirname(LATEST_BENCH_FILE)), { recursive: true });
    writeFileSync(path.join(root, LATEST_BENCH_FILE), latest);
  }
  return root;
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("the latest bench result, as /compare reads it", () => {
  it("says when there is none", () => {
    expect(loadLatestBench(project())).toEqual({ state: "none" });
  });

  it("refuses a file that is not JSON or not a result of this version, without throwing", () => {
    expect(loadLatestBench(project("{not json")).state).toBe("unreadable");
    expect(loadLatestBench(project(JSON.stringify({ version: 1, rows: [] }))).state).toBe("unreadable");
    expect(loadLatestBench(project(JSON.stringify({ ...report(), version: 2 }))).state).toBe("unreadable");
  });

  it("knows a result of this machine and build", () => {
    const latest = loadLatestBench(project(JSON.stringify(report())));
    expect(latest).toMatchObject({ state: "ok", sameMachine: true, sameBuild: true });
  });

  it("flags a result from another machine or another build", () => {
    expect(loadLatestBench(project(JSON.stringify(report({ fingerprint: "0000000000000000" }))))).toMatchObject({
      state: "ok",
      sameMachine: false,
      sameBuild: true,
    });
    expect(loadLatestBench(project(JSON.stringify(report()), "build-2"))).toMatchObject({
      state: "ok",
      sameMachine: true,
      sameBuild: false,
    });
  });
});
