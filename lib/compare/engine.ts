import { SCENARIOS, isScenarioId, type ScenarioId } from "@/lib/catalog/scenarios";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import type { Role } from "@/lib/strategies";
import { Device, type CookieFacts, type FetchLike, type Target, type Timed } from "./client";
import { computeCosts } from "./costs";
import {
  cellLifetime,
  classify,
  expectedFor,
  expiryWindowMs,
  judgeLifetime,
  judgeScenario,
  observe,
  pollInterval,
  productionMeaning,
  replayLifetime,
  summarize,
} from "./measure";
import { PROBES, prepareLifetime, runCheckProbe } from "./probes";
import { SCENARIO_DRIVERS, type CellContext, type PreparedCell, type Replay, type RunAccount } from "./scenarios";
import type { ProbeId, RowId, RunSettings } from "./settings";
import {
  OPEN_STATES,
  RESULT_VERSION,
  type CellKey,
  type CellResult,
  type Expected,
  type Lifetime,
  type ProbeCheck,
  type RunCounts,
  type RunEvent,
  type RunResult,
  type Sample,
} from "./types";

// The comparison runner: every (variant, row) cell of the matrix over real
// HTTP against one base URL, several cells at once, with events as it goes.
// The server runs it against itself over loopback for the /compare page, the
// CLI against any URL; both get the same RunResult.
//
// A cell signs in its own throwaway user, checks that the credential works,
// makes the event happen, and replays the credential every `pollMs` until it
// is refused (plus one confirming replay) or until the credential's own
// lifetime, plus its verifier's tolerance, plus `marginSeconds`, has passed.

/** Where a run gets its accounts: the server's data layer for page runs, the lease endpoint for the CLI. */
export interface AccountSource {
  acquire(roles: Role[], signal?: AbortSignal): Promise<AccountLease>;
}

export interface AccountLease {
  accounts: RunAccount[];
  /** Deletes the accounts (and everything they own). Always called, also after a failure or an abort. */
  release(): Promise<void>;
}

export interface RunOptions {
  id: string;
  source: "page" | "cli";
  settings: RunSettings;
  /** Where every request goes. */
  target: Target;
  /** Words for the target, shown with the results ("this server", the CLI's URL). */
  label: string;
  /** More named targets for scenarios that need them (e.g. `secondary`: another instance). */
  targets?: Record<string, Target>;
  accounts: AccountSource;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Hard limit for the whole run, ms. */
  deadlineMs?: number;
  /** performance.now() when the run was asked for, if work came before runMatrix (a page run creates its accounts first). */
  requestedAt?: number;
}

export const DEFAULT_DEADLINE_MS = 120_000;

interface PlannedCell {
  key: CellKey;
  /** Null when it applies; else why not (the cell is n/a). */
  notApplicable: string | null;
  needs: { subjectRole: Role; admin: boolean };
  /** Rough length, to start the long cells first. */
  estimateMs: number;
  /** Position in the run order (long cells first): the sign-in priority. */
  order: number;
  subject?: RunAccount;
  admin?: RunAccount;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function horizonMs(lifetime: Lifetime, settings: RunSettings): number {
  return (lifetime.seconds + lifetime.toleranceSeconds + settings.marginSeconds) * 1000;
}

function plan(settings: RunSettings, targets: Readonly<Record<string, Target>>): PlannedCell[] {
  const cells: PlannedCell[] = [];
  for (const variant of settings.variants) {
    const lifetimeMs = horizonMs(replayLifetime(variant, "matrix"), settings);
    for (const scenario of settings.scenarios) {
      const scenarioMs = horizonMs(cellLifetime(variant, scenario, "matrix"), settings);
      const driver = SCENARIO_DRIVERS[scenario];
      const applies = driver.appliesTo?.(variant, targets) ?? true;
      // Only for scheduling: a cell the catalog expects to close at once is likely short (the measurement ignores this).
      const likelyShort = scenario in VARIANTS[variant].expected && VARIANTS[variant].expected[scenario].window === "none";
      cells.push({
        key: { variant, row: scenario },
        notApplicable: applies === true ? null : applies,
        needs: driver.needs,
        estimateMs: likelyShort ? 1000 : scenarioMs,
        order: 0,
      });
    }
    for (const probe of settings.probes) {
      const applies = PROBES[probe].appliesTo(variant);
      cells.push({
        key: { variant, row: probe },
        notApplicable: applies === true ? null : applies,
        needs: { subjectRole: "member", admin: false },
        estimateMs: probe === "lifetime" ? lifetimeMs : probe === "refresh-reuse" ? 3000 : 500,
        order: 0,
      });
    }
  }
  // Longest first, so the cells that must watch a credential for 20 s start at once and the short ones fill in.
  return cells
    .map((c, i) => ({ c, i }))
    .sort((x, y) => y.c.estimateMs - x.c.estimateMs || x.i - y.i)
    .map(({ c }) => c);
}

/** The roles of the accounts a run needs, in the order the engine hands them out. */
export function accountRoles(settings: RunSettings, targets: Readonly<Record<string, Target>>): Role[] {
  const roles: Role[] = [];
  for (const p of plan(settings, targets)) {
    if (p.notApplicable !== null) continue;
    roles.push(p.needs.subjectRole);
    if (p.needs.admin) roles.push("admin");
  }
  // The quiet cost phase: one more member per variant.
  for (let i = 0; i < settings.variants.length; i++) roles.push("member");
  return roles;
}

/** Sequential session checks per variant in the quiet phase after the cells. */
export const QUIET_CHECKS = 40;
/** Cells setting up at once (signing in, the pre-check, the event): sign-ins are the costliest requests, and the long cells go first. */
const SETUP_CONCURRENCY = 6;
/** How much longer than its horizon a cell may watch an open window to see it outlive its own expiry. */
const EXTRA_WATCH_MS = 4000;

/** At most `limit` calls at once; the others wait, lowest `priority` first (then in arrival order). */
function gate(limit: number) {
  let active = 0;
  const waiting: { priority: number; go: () => void }[] = [];
  return async <T>(priority: number, work: () => Promise<T>): Promise<T> => {
    if (active < limit) active++;
    else
      await new Promise<void>((go) => {
        const at = waiting.findIndex((w) => w.priority > priority);
        waiting.splice(at === -1 ? waiting.length : at, 0, { priority, go });
      });
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next)
        next.go(); // the slot passes on
      else active--;
    }
  };
}

function counts(cells: readonly CellResult[]): RunCounts {
  const out: RunCounts = { match: 0, mismatch: 0, inconclusive: 0, error: 0, na: 0 };
  for (const c of cells) {
    if (c.verdict === "n/a") out.na++;
    else out[c.verdict]++;
  }
  return out;
}

/** Runs the matrix; resolves its result (also when aborted or failed: then with what was finished). */
export async function runMatrix(opts: RunOptions): Promise<RunResult> {
  const { settings } = opts;
  const targets = opts.targets ?? {};
  const emit = (event: RunEvent) => opts.onEvent?.(event);
  const t0 = opts.requestedAt ?? performance.now();
  const startedAt = new Date(Date.now() - (performance.now() - t0));
  const deadline = AbortSignal.timeout(opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline;
  allowManyListeners(signal);

  const planned = plan(settings, targets);
  const target = { baseUrl: opts.target.baseUrl, label: opts.label };
  emit({
    type: "run-started",
    runId: opts.id,
    settings,
    target,
    cells: planned.map((p) => p.key),
    startedAt: startedAt.toISOString(),
  });

  const timings = new Map<VariantId, Timed[]>();
  const quiet = new Map<VariantId, Timed[]>();
  const setupGate = gate(SETUP_CONCURRENCY);
  const cookieFacts = new Map<VariantId, CookieFacts[]>();
  const results: CellResult[] = [];
  let status: RunResult["status"] = "done";
  let error: string | undefined;
  let lease: AccountLease | null = null;

  try {
    const runnable = planned.filter((p) => p.notApplicable === null);
    lease = await opts.accounts.acquire(accountRoles(settings, targets), signal);
    const pool = [...lease.accounts];
    for (const p of runnable) {
      p.subject = pool.shift();
      if (p.needs.admin) p.admin = pool.shift();
      if (!p.subject || (p.needs.admin && !p.admin)) throw new Error("The account source returned fewer accounts than asked for.");
    }
    const costAccounts = pool.splice(0, settings.variants.length);
    if (costAccounts.length < settings.variants.length) throw new Error("The account source returned fewer accounts than asked for.");

    const queue = [...planned];
    const total = planned.length;
    const worker = async () => {
      for (let next = queue.shift(); next && !signal.aborted; next = queue.shift()) {
        emit({ type: "cell-started", variant: next.key.variant, row: next.key.row, atMs: round(performance.now() - t0) });
        const result = await runCell(next);
        results.push(result);
        emit({ type: "cell-finished", cell: result, done: results.length, total });
      }
    };
    emit({ type: "phase", phase: "cells", atMs: round(performance.now() - t0) });
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, planned.length) }, worker));
    if (signal.aborted) throw signal.reason;
    emit({ type: "phase", phase: "costs", atMs: round(performance.now() - t0) });
    await measureQuietCosts(costAccounts);
  } catch (e) {
    if (deadline.aborted) {
      status = "failed";
      error = `The run exceeded its ${Math.round((opts.deadlineMs ?? DEFAULT_DEADLINE_MS) / 1000)} s limit.`;
    } else if (opts.signal?.aborted) {
      status = "aborted";
      error = "The run was stopped before it finished.";
    } else {
      status = "failed";
      error = e instanceof Error ? e.message : String(e);
    }
  } finally {
    // Never leave accounts behind, whatever happened.
    if (lease) {
      try {
        await lease.release();
      } catch (e) {
        error = `${error ? `${error} ` : ""}Could not delete the run's accounts: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
  }

  const cells = sortCells(results, settings);
  const result: RunResult = {
    version: RESULT_VERSION,
    id: opts.id,
    status,
    source: opts.source,
    target,
    settings,
    profile: "matrix",
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallMs: Math.round(performance.now() - t0),
    cells,
    costs: computeCosts(settings.variants, timings, quiet, cookieFacts, cells),
    counts: counts(cells),
    ...(error ? { error } : {}),
  };
  emit({ type: "run-finished", result });
  return result;

  // ---------------------------------------------------------------------------

  /** A cell's context; `gated`: each sign-in takes a setup slot (cells that do not set up inside one). */
  function context(p: PlannedCell, gated = true): CellContext {
    const variant = p.key.variant;
    const onTiming = (t: Timed) => {
      const list = timings.get(variant) ?? [];
      list.push(t);
      timings.set(variant, list);
    };
    return {
      variant,
      subject: p.subject!,
      admin: p.admin ?? null,
      targets,
      device: (name) => {
        const t = name ? targets[name] : opts.target;
        if (!t) throw new Error(`No target named ${name}.`);
        return new Device({ target: t, variant, onTiming, signal, fetch: opts.fetch });
      },
      async signIn(device, account = p.subject!) {
        const signIn = () => device.signIn(account.email, account.password);
        const answer = gated ? await setupGate(p.order, signIn) : await signIn();
        if (!cookieFacts.has(variant)) cookieFacts.set(variant, answer.setCookies);
        return { at: answer.receivedAt, withinMs: answer.receivedAt - answer.sentAt };
      },
    };
  }

  /**
   * Per-request cost with nothing else running: QUIET_CHECKS sequential GET
   * /check per variant (the bare session check), so the check times are the
   * variants' own, not the queueing of sixty cells polling at once.
   */
  async function measureQuietCosts(accounts: RunAccount[]): Promise<void> {
    for (const [i, variant] of settings.variants.entries()) {
      const list: Timed[] = [];
      quiet.set(variant, list);
      const device = new Device({ target: opts.target, variant, signal, fetch: opts.fetch, onTiming: (t) => list.push(t) });
      const account = accounts[i]!;
      await device.signIn(account.email, account.password);
      for (let n = 0; n < QUIET_CHECKS && !signal.aborted; n++) await device.request("GET", "/check");
    }
  }

  async function runCell(p: PlannedCell): Promise<CellResult> {
    const started = performance.now();
    const { variant, row } = p.key;
    const lifetime = cellLifetime(variant, isScenarioId(row) ? row : null, "matrix");
    const base = {
      variant,
      row,
      kind: isScenarioId(row) ? ("scenario" as const) : ("probe" as const),
      lifetime,
      pollMs: settings.pollMs,
      startedMs: round(started - t0),
    };
    const expected = expectation(variant, row, lifetime);
    const finish = (fields: Partial<CellResult> & Pick<CellResult, "verdict" | "summary" | "production">): CellResult => ({
      ...base,
      expected,
      explanation: expected.reason,
      outcome: null,
      observation: null,
      event: null,
      samples: [],
      finishedMs: round(performance.now() - t0),
      ...fields,
    });
    if (p.notApplicable !== null) {
      return finish({ verdict: "n/a", summary: `n/a: ${p.notApplicable}`, production: "n/a", explanation: p.notApplicable });
    }
    try {
      if (isScenarioId(row) || row === "lifetime") return await runWindowCell(p, base.kind, expected, lifetime, finish);
      const checks = await runCheckProbe(row, context(p), signal);
      const ok = checks.every((c) => c.ok);
      return finish({
        verdict: ok ? "match" : "mismatch",
        checks,
        summary: describeChecks(checks),
        production: "the same at any lifetime",
        ...(ok
          ? {}
          : {
              problem: checks
                .filter((c) => !c.ok)
                .map((c) => `${c.label}: expected ${c.expected}, got ${c.observed}`)
                .join("; "),
            }),
      });
    } catch (e) {
      if (signal.aborted) throw e;
      return finish({
        verdict: "error",
        summary: "could not be measured",
        production: "not derived",
        problem: e instanceof Error ? e.message : String(e),
      });
    }
  }

  async function runWindowCell(
    p: PlannedCell,
    kind: "scenario" | "probe",
    expected: Expected,
    lifetime: Lifetime,
    finish: (fields: Partial<CellResult> & Pick<CellResult, "verdict" | "summary" | "production">) => CellResult,
  ): Promise<CellResult> {
    const { variant, row } = p.key;
    const scenario = isScenarioId(row) ? row : null;
    const samples: Sample[] = [];
    const toSample = (replay: Replay, eventAt: number): Sample => {
      const sample: Sample = {
        s: round(replay.answer.sentAt - eventAt),
        r: round(replay.answer.receivedAt - eventAt),
        state: replay.state,
        status: replay.answer.status,
        ...(typeof replay.answer.body?.code === "string" ? { code: replay.answer.body.code } : {}),
        ...(replay.answer.session
          ? {
              check: { ms: replay.answer.session.durationMs, db: replay.answer.session.db.count, redis: replay.answer.session.redis.count },
            }
          : {}),
        ...(replay.bytes !== undefined ? { bytes: replay.bytes } : {}),
        ...(replay.answer.refreshed ? { refreshed: true } : {}),
      };
      samples.push(sample);
      emit({ type: "sample", variant, row, sample });
      return sample;
    };

    // Setup in one slot (sign-ins back to back, then the pre-check and the event at once): the matrix
    // lifetimes are seconds, so a cell's credentials must not age while other cells sign in.
    const setup = await setupGate(p.order, async () => {
      const prepared: PreparedCell = scenario
        ? await SCENARIO_DRIVERS[scenario].prepare(context(p, false))
        : await prepareLifetime(context(p, false));
      if (!scenario) return { prepared, pre: null, event: await prepared.event(), eventAt: prepared.issuedAt.at };
      // The credential must work before the event, or a refusal afterwards would prove nothing.
      const pre = await prepared.replay();
      const event = await prepared.event();
      return { prepared, pre, event, eventAt: performance.now() };
    });
    const { prepared, pre, event, eventAt } = setup;
    let issued = prepared.issuedAt;
    if (pre) {
      const preSample = toSample(pre, eventAt);
      if (prepared.replayer.holdsCredential && !OPEN_STATES.includes(pre.state)) {
        return finish({
          verdict: "error",
          samples,
          event,
          summary: "the credential did not work before the event",
          production: "not derived",
          problem: `The pre-check answered ${preSample.status}${preSample.code ? ` (${preSample.code})` : ""} before the event.`,
        });
      }
      // A device that renewed its access token for the pre-check holds a credential issued just now.
      if (pre.answer.refreshed) issued = { at: pre.answer.receivedAt, withinMs: pre.answer.receivedAt - pre.answer.sentAt };
    }

    const age = eventAt - issued.at;
    // Watch until the credential must have died on its own (since it was issued), plus the margin…
    const stopAt = issued.at + horizonMs(lifetime, settings);
    // …and, for a window still open then, until a replay sent after its expiry still worked (a slow server
    // can make the last ones leave too early to prove it), within EXTRA_WATCH_MS.
    const proofAfter = expiryWindowMs(lifetime).latest - age;
    // When the replayed credential dies on its own, ms after the event.
    const expiryDue = (lifetime.seconds + lifetime.toleranceSeconds) * 1000 - age;
    let closedSeen = false;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const sentAt = performance.now();
      const sample = toSample(await prepared.replay(), eventAt);
      if (sample.state === "rejected" || sample.state === "fresh") {
        if (closedSeen) break; // one confirming replay: a refusal must stick
        closedSeen = true;
      }
      const now = performance.now();
      const proven = closedSeen || (OPEN_STATES.includes(sample.state) && sample.s > proofAfter);
      if (now >= stopAt && (proven || now >= stopAt + EXTRA_WATCH_MS)) break;
      const wait = closedSeen ? settings.pollMs : pollInterval(now - eventAt, expiryDue, settings.pollMs);
      await sleep(Math.max(0, (now >= stopAt ? sentAt + settings.pollMs : Math.min(sentAt + wait, stopAt)) - now), signal);
    }

    const obs = observe(samples, age, issued.withinMs);
    const outcome = classify(obs, lifetime);
    const judged = kind === "scenario" ? judgeScenario(expected, obs, outcome, event, lifetime) : judgeLifetime(obs, outcome);
    const scenarioKind = scenario ? SCENARIOS[scenario].kind : "revocation";
    const summary = summarize(scenarioKind, obs, outcome, lifetime.seconds) + (prepared.note ? `. ${prepared.note}` : "");
    return finish({
      verdict: judged.verdict,
      ...(judged.problem ? { problem: judged.problem } : {}),
      outcome,
      observation: obs,
      event,
      samples,
      summary,
      production: productionMeaning(variant, scenario, outcome),
    });
  }
}

function expectation(variant: VariantId, row: RowId, lifetime: Lifetime): Expected {
  if (isScenarioId(row)) return expectedFor(variant, row as ScenarioId);
  const probe = PROBES[row as ProbeId];
  const due = lifetime.seconds + lifetime.toleranceSeconds;
  return {
    window: "probe",
    boundSeconds: row === "lifetime" ? due : null,
    reason: row === "lifetime" ? `Configured lifetime: ${lifetime.text}.` : probe.description,
    text: row === "lifetime" ? `refused ${due} s after sign-in (${lifetime.text})` : probe.expectation(variant),
  };
}

function describeChecks(checks: readonly ProbeCheck[]): string {
  return checks.map((c) => `${c.label}: ${c.observed}${c.ok ? "" : ` (expected ${c.expected})`}`).join("; ");
}

/** Cells in the order of the catalog: variants, then scenarios, then probes. */
export function sortCells(cells: readonly CellResult[], settings: RunSettings): CellResult[] {
  const rowOrder: RowId[] = [...settings.scenarios, ...settings.probes];
  const key = (c: CellResult) => settings.variants.indexOf(c.variant) * 1000 + rowOrder.indexOf(c.row);
  return [...cells].sort((a, b) => key(a) - key(b));
}

/**
 * Every waiting cell listens to the run's signal, sixty at once: lift Node's
 * "possible leak" warning threshold (10) for that one signal. A no-op where
 * node:events is not there (the module stays client-safe).
 */
function allowManyListeners(signal: AbortSignal): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const events = proc?.getBuiltinModule?.("node:events") as
    { setMaxListeners?: (n: number, ...targets: EventTarget[]) => void } | undefined;
  events?.setMaxListeners?.(0, signal);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
