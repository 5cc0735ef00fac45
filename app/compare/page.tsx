import type { Metadata } from "next";
import { BenchPanel } from "@/components/compare/BenchPanel";
import { CompareLab } from "@/components/compare/CompareLab";
import { SecurityMatrix } from "@/components/compare/SecurityMatrix";
import { loadLatestBench } from "@/lib/server/bench-results";
import { observedByCell, readSecurityResults } from "@/lib/server/data/security-results";
import { loadEnv } from "@/lib/server/env";

export const metadata: Metadata = {
  title: "Compare — Session Lab",
  description: "Revocation, staleness and per-request cost of every session strategy and mitigation, measured side by side.",
};

// Whether runs are allowed is read per request (the environment decides).
export const dynamic = "force-dynamic";

export default async function ComparePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { run } = await searchParams;
  const runId = typeof run === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(run) ? run : null;
  // The security suite's last observations, read per request (data/security-results.json).
  const results = await readSecurityResults();
  const observed = Object.fromEntries(
    [...observedByCell(results)].map(([key, c]) => [key, { observed: c.observed, detail: c.detail }] as const),
  );
  return (
    <div className="stack">
      {/* The latest npm run bench, read per request: flagged when measured on another machine or build. */}
      <CompareLab enabled={loadEnv().compareEnabled} initialRunId={runId} benchPanel={<BenchPanel bench={loadLatestBench()} />} />
      <SecurityMatrix observed={observed} runAt={results?.runAt ?? null} runStatus={results?.status ?? null} />
    </div>
  );
}
