"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { SCENARIOS, SCENARIO_IDS } from "@/lib/catalog/scenarios";
import { VARIANT_IDS, VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { rowLabel } from "@/lib/compare/export";
import { PROBES } from "@/lib/compare/probes";
import { countsText } from "@/lib/compare/report";
import { DEFAULT_SETTINGS, PROBE_IDS, SETTING_BOUNDS, type ProbeId, type RowId, type RunSettings } from "@/lib/compare/settings";
import type { CellResult, RunEvent, RunResult } from "@/lib/compare/types";
import type { ScenarioId } from "@/lib/catalog/scenarios";
import { CostPanel } from "./CostPanel";
import { Findings } from "./Findings";
import { History, type RunSummary } from "./History";
import { cellKey, MatrixTable } from "./MatrixTable";
import { RowDetails } from "./RowDetails";
import { SplitScreen } from "./SplitScreen";

async function fetchHistory(): Promise<RunSummary[] | null> {
  const res = await fetch("/api/compare/runs?limit=20", { cache: "no-store" }).catch(() => null);
  return res?.ok ? ((await res.json()) as { runs: RunSummary[] }).runs : null;
}

/** A stored run's result, or why it cannot be shown. */
async function fetchRun(id: string): Promise<{ result: RunResult } | { error: string }> {
  const res = await fetch(`/api/compare/runs/${encodeURIComponent(id)}`, { cache: "no-store" }).catch(() => null);
  const body = (await res?.json().catch(() => null)) as {
    run?: { result: RunResult | null; status: string; error: string | null };
    error?: string;
  } | null;
  if (!res?.ok || !body?.run) return { error: body?.error ?? "That run could not be loaded." };
  if (!body.run.result) return { error: `Run ${id} has no result (${body.run.status}${body.run.error ? `: ${body.run.error}` : ""}).` };
  return { result: body.run.result };
}

type Phase = "idle" | "starting" | "running" | "done" | "failed";

interface Progress {
  runId: string | null;
  settings: RunSettings;
  total: number;
  cells: Map<string, CellResult>;
  running: Set<string>;
  costs: boolean;
  startedAt: number;
}

/**
 * The /compare page: choose what to run, Run (the server streams the run cell
 * by cell), then read the matrix, the cost of each check, the claims board,
 * what to pick and one timeline per scenario. Past runs reopen from the
 * history (?run=<id>).
 */
export function CompareLab({
  enabled,
  initialRunId,
  benchPanel,
}: {
  enabled: boolean;
  initialRunId: string | null;
  /** The latest npm run bench, rendered by the server (BenchPanel), shown after this run's own costs. */
  benchPanel?: React.ReactNode;
}) {
  const [variants, setVariants] = useState<VariantId[]>([...VARIANT_IDS]);
  const [scenarios, setScenarios] = useState<ScenarioId[]>([...SCENARIO_IDS]);
  const [probes, setProbes] = useState<ProbeId[]>([...PROBE_IDS]);
  const [pollMs, setPollMs] = useState(DEFAULT_SETTINGS.pollMs);
  const [phase, setPhase] = useState<Phase>("idle");
  const [progress, setProgress] = useState<Progress | null>(null);
  const [result, setResult] = useState<RunResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [history, setHistory] = useState<RunSummary[] | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const abort = useRef<AbortController | null>(null);

  const loadHistory = useCallback(() => {
    void fetchHistory().then((runs) => runs && setHistory(runs));
  }, []);

  const showRun = useCallback((loaded: { result: RunResult } | { error: string }) => {
    if ("error" in loaded) {
      setError(loaded.error);
      return;
    }
    setError(null);
    setResult(loaded.result);
    setProgress(null);
    setPhase("done");
  }, []);

  useEffect(() => {
    let current = true;
    void fetchHistory().then((runs) => current && runs && setHistory(runs));
    if (initialRunId) void fetchRun(initialRunId).then((loaded) => current && showRun(loaded));
    return () => {
      current = false;
    };
  }, [initialRunId, showRun]);

  useEffect(() => {
    if (phase !== "running" || !progress) return;
    const timer = setInterval(() => setElapsed(performance.now() - progress.startedAt), 250);
    return () => clearInterval(timer);
  }, [phase, progress]);

  const handle = useCallback((event: RunEvent) => {
    switch (event.type) {
      case "run-started":
        setProgress((p) => p && { ...p, runId: event.runId, total: event.cells.length, settings: event.settings });
        window.history.replaceState(null, "", `/compare?run=${event.runId}`);
        break;
      case "cell-started":
        setProgress((p) => p && { ...p, running: new Set(p.running).add(cellKey(event.variant, event.row)) });
        break;
      case "cell-finished":
        setProgress((p) => {
          if (!p) return p;
          const key = cellKey(event.cell.variant, event.cell.row);
          const running = new Set(p.running);
          running.delete(key);
          return { ...p, running, cells: new Map(p.cells).set(key, event.cell) };
        });
        break;
      case "phase":
        if (event.phase === "costs") setProgress((p) => p && { ...p, costs: true });
        break;
      case "run-finished":
        setResult(event.result);
        setPhase("done");
        break;
      case "run-failed":
        setError(event.error);
        setPhase("failed");
        break;
    }
  }, []);

  async function run() {
    setError(null);
    setResult(null);
    setPhase("starting");
    const settings: RunSettings = { ...DEFAULT_SETTINGS, variants, scenarios, probes, pollMs };
    setProgress({ runId: null, settings, total: 0, cells: new Map(), running: new Set(), costs: false, startedAt: performance.now() });
    setElapsed(0);
    const controller = new AbortController();
    abort.current = controller;
    try {
      const res = await fetch("/api/compare/runs", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/x-ndjson" },
        body: JSON.stringify({ variants, scenarios, probes, pollMs }),
        signal: controller.signal,
      });
      if (!res.ok || !res.body) {
        const body = (await res.json().catch(() => null)) as { error?: string; code?: string } | null;
        setError(body?.error ?? `The server answered ${res.status}.`);
        setPhase("failed");
        return;
      }
      setPhase("running");
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) handle(JSON.parse(line) as RunEvent);
        }
      }
      setPhase((p) => (p === "running" ? "failed" : p));
    } catch (e) {
      if (controller.signal.aborted) {
        setError("Stopped. The run's accounts were deleted; what finished is in the history.");
      } else {
        setError(
          `The stream broke off (${e instanceof Error ? e.message : String(e)}). The run's result, if it finished, is in the history.`,
        );
      }
      setPhase("failed");
    } finally {
      abort.current = null;
      loadHistory();
    }
  }

  const shown: { settings: RunSettings; cells: Map<string, CellResult>; running: Set<string> } | null = useMemo(() => {
    if (result)
      return { settings: result.settings, cells: new Map(result.cells.map((c) => [cellKey(c.variant, c.row), c])), running: new Set() };
    if (progress) return { settings: progress.settings, cells: progress.cells, running: progress.running };
    return null;
  }, [result, progress]);

  const busy = phase === "starting" || phase === "running";
  const done = progress?.cells.size ?? 0;
  const toggle = <T,>(list: T[], value: T, set: (v: T[]) => void) =>
    set(list.includes(value) ? list.filter((x) => x !== value) : [...list, value]);

  return (
    <div className="stack compare-lab">
      <section className="hero">
        <h1>Compare: how long does a revoked or stale credential keep working, and what does closing the gap cost?</h1>
        <p>
          Run the matrix and this server measures, over real HTTP against itself, every variant in every scenario: each cell signs in a
          throwaway account with short lab lifetimes, makes the event happen, and replays the credential until it is refused or has expired
          on its own. Every number below comes from the requests of that run; every cell is compared with what the catalog expects, and
          contradictions are flagged. The same engine runs from a terminal: <code>npm run compare</code>. Methodology:{" "}
          <code>docs/compare.md</code>.
        </p>
      </section>

      <section className="card stack" aria-labelledby="run-title">
        <h2 id="run-title">Run</h2>
        {!enabled && (
          <p className="warning">
            Comparison runs are off on this server. They are on in the demo; set SESSION_LAB_COMPARE=1 to allow them in production.
          </p>
        )}
        <div className="compare-controls">
          <fieldset disabled={busy}>
            <legend>Variants</legend>
            <div className="checks">
              {VARIANT_IDS.map((v) => (
                <label key={v} title={VARIANTS[v].label}>
                  <input type="checkbox" checked={variants.includes(v)} onChange={() => toggle(variants, v, setVariants)} />
                  {v}
                </label>
              ))}
            </div>
          </fieldset>
          <fieldset disabled={busy}>
            <legend>Scenarios and probes</legend>
            <div className="checks">
              {SCENARIO_IDS.map((s) => (
                <label key={s} title={SCENARIOS[s].event}>
                  <input type="checkbox" checked={scenarios.includes(s)} onChange={() => toggle(scenarios, s, setScenarios)} />
                  {s}
                </label>
              ))}
              {PROBE_IDS.map((p) => (
                <label key={p} title={PROBES[p].description}>
                  <input type="checkbox" checked={probes.includes(p)} onChange={() => toggle(probes, p, setProbes)} />
                  {p}
                </label>
              ))}
            </div>
          </fieldset>
          <label>
            Replay every (ms)
            <input
              type="number"
              min={SETTING_BOUNDS.pollMs.min}
              max={SETTING_BOUNDS.pollMs.max}
              step={50}
              value={pollMs}
              disabled={busy}
              onChange={(e) => setPollMs(Number(e.target.value))}
              style={{ width: "7rem" }}
            />
          </label>
          {busy ? (
            <button type="button" className="danger" onClick={() => abort.current?.abort()}>
              Stop
            </button>
          ) : (
            <button type="button" onClick={run} disabled={!enabled || variants.length === 0 || scenarios.length + probes.length === 0}>
              Run
            </button>
          )}
        </div>
        <div aria-live="polite" data-testid="run-status">
          {phase === "starting" && <p>Creating the run&apos;s accounts…</p>}
          {phase === "running" && progress && (
            <>
              <progress className="progress" max={progress.total || 1} value={done} aria-label="Cells finished" />
              <p style={{ margin: "0.3rem 0" }}>
                {done} of {progress.total} cells · {(elapsed / 1000).toFixed(1)} s
                {progress.costs
                  ? " · measuring per-request cost…"
                  : progress.running.size
                    ? ` · ${progress.running.size} cells being watched`
                    : ""}
              </p>
            </>
          )}
          {phase === "done" && result && (
            <p className={result.counts.mismatch > 0 ? "alert" : "notice"} data-testid="run-summary">
              Run <code>{result.id}</code> ({result.source === "cli" ? "CLI" : "this page"}, {new Date(result.startedAt).toLocaleString()}):{" "}
              {(result.wallMs / 1000).toFixed(1)} s, {countsText(result)}.{result.error ? ` ${result.error}` : ""}
            </p>
          )}
          {error && (
            <p className="alert" role="alert">
              {error}
            </p>
          )}
        </div>
      </section>

      {shown && (
        <section className="card stack" aria-labelledby="matrix-title">
          <h2 id="matrix-title">Matrix</h2>
          <p className="muted" style={{ margin: 0 }}>
            Seconds from the event until the old credential was refused (or fresh data served), measured by replaying it every{" "}
            {shown.settings.pollMs} ms near the event and near its expiry. “at once”: refused on the first request after the event.
            “slides”: still working after its own lifetime had passed.
          </p>
          <MatrixTable settings={shown.settings} cells={shown.cells} running={shown.running} />
          {result && result.counts.mismatch > 0 && (
            <div className="alert" role="alert" data-testid="mismatches">
              <strong>Observations that contradict the catalog:</strong>
              <ul className="plain">
                {result.cells
                  .filter((c) => c.verdict === "mismatch")
                  .map((c) => (
                    <li key={cellKey(c.variant, c.row)}>
                      <code>{c.variant}</code> · {rowLabel(c.row)}: {c.problem}
                    </li>
                  ))}
              </ul>
            </div>
          )}
        </section>
      )}

      {result && result.costs.length > 0 && <CostPanel result={result} />}
      {benchPanel}
      {result && <Findings result={result} />}
      {result && (
        <section className="stack" aria-labelledby="rows-title">
          <h2 id="rows-title">Scenario by scenario</h2>
          {([...result.settings.scenarios, ...result.settings.probes] as RowId[]).map((row) => (
            <RowDetails key={row} row={row} cells={result.cells.filter((c) => c.row === row)} />
          ))}
        </section>
      )}

      <SplitScreen enabled={enabled} />
      <History runs={history} current={result?.id ?? null} onRefresh={loadHistory} />
    </div>
  );
}
