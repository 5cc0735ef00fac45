import type { ScenarioId } from "@/lib/catalog/scenarios";
import type { VariantCapabilityName, VariantId, Window } from "@/lib/catalog/variants";
import type { ProbeId, RowId, RunSettings } from "./settings";

// The shapes a comparison run produces: samples, cells, costs, the whole
// result, and the events streamed while it runs. Client-safe and plain JSON:
// the server stores RunResult as is, the page and the CLI render it, exports
// serialise it.

export const RESULT_VERSION = 1;

/**
 * What one replay saw:
 * - accepted / rejected: the credential still works / no longer does (revocation scenarios);
 * - stale / fresh: it still works and serves the old role or name / the new one (staleness scenarios);
 * - error: no usable answer (network error, 5xx, an unexpected status); never counted as either.
 */
export type SampleState = "accepted" | "stale" | "fresh" | "rejected" | "error";

export const OPEN_STATES: readonly SampleState[] = ["accepted", "stale"];
export const CLOSED_STATES: readonly SampleState[] = ["rejected", "fresh"];

export interface CheckTiming {
  /** Wall time of the server's session check, ms (Server-Timing `session`). */
  ms: number;
  /** Database queries it made. */
  db: number;
  /** Redis commands it made. */
  redis: number;
}

export interface Sample {
  /** When the request left, ms since the event's response arrived (negative: before the event). */
  s: number;
  /** When its answer arrived, same clock. */
  r: number;
  state: SampleState;
  /** HTTP status; 0 when the request failed. */
  status: number;
  /** The error `code` of a refusal. */
  code?: string;
  /** The session check's cost, from the response's Server-Timing header. */
  check?: CheckTiming;
  /** Credential bytes the server says this request carried (GET /me's session.credentialBytes). */
  bytes?: number;
  /** The device renewed its access token (jwt-refresh) before this answer. */
  refreshed?: boolean;
}

/** The request that made the scenario's event happen (sign-out, disable, …). */
export interface EventRecord {
  /** e.g. "POST /api/jwt/logout" */
  request: string;
  status: number;
  code?: string;
  /** The capability an `unsupported` answer named. */
  capability?: string;
  /** The `unsupported` answer's reason, or the body's note. */
  note?: string;
  /** How long the event request took, ms. */
  ms: number;
}

/** The measured window, all times in ms since the event's response (the sign-in's, for the lifetime probe). */
export interface Observation {
  /** The first replay after the event still worked (or served stale data). */
  opened: boolean;
  /** How the window closed, if it did before the run stopped watching. */
  closedBy: "rejected" | "fresh" | null;
  /** When it closed: after `low` (the last replay that still worked left then) and by `high` (the first refusal's answer). */
  closedAfter: { low: number; high: number } | null;
  /** Left when still open at the end: it worked at least this long. */
  openUntil: number | null;
  /** How long the run watched. */
  watchedMs: number;
  /** Age of the credential at the event: event response minus sign-in response. */
  ageAtEventMs: number;
  /** The sign-in's round trip: the credential was issued up to this long before its answer arrived. */
  issueWithinMs?: number;
  /** Width of the closing bracket (the resolution of this result); null when it did not close. */
  resolutionMs: number | null;
  /** It worked again after a refusal: never expected, always flagged. */
  flapped: boolean;
  /** Replays without a usable answer. */
  errors: number;
}

/**
 * What the observation means, independent of the expectation:
 * - immediate: refused (or fresh) on the first request after the event;
 * - expiry: closed when the credential's own lifetime ran out (lifetime + verifier tolerance);
 * - sliding: still open after the credential should have expired on its own;
 * - open: still open when the run stopped watching, before its own expiry was due;
 * - other: closed at a time neither immediate nor its expiry.
 */
export type OutcomeClass = "immediate" | "expiry" | "sliding" | "open" | "other";

export type Verdict = "match" | "mismatch" | "inconclusive" | "error" | "n/a";

export interface Lifetime {
  /** The credential's configured lifetime as replayed (stateful: absolute, since use slides the idle expiry), s. */
  seconds: number;
  /** Seconds past expiry its verifier still accepts. */
  toleranceSeconds: number;
  /** In words, e.g. "absolute 20 s (idle 8 s, slid by use)". */
  text: string;
}

export interface Expected {
  /** The catalog's window (scenarios), or what the probe expects. */
  window: Window | "probe";
  /** The event should answer `unsupported` for this capability. */
  unsupported?: VariantCapabilityName;
  /** Upper bound after the event under this run's (matrix) lifetimes, s; 0 = the next request; null = no bound. */
  boundSeconds: number | null;
  /** The catalog's one-line reason. */
  reason: string;
  /** The expectation in words, under the matrix profile. */
  text: string;
}

/** A probe's individual checks (the refresh and CSRF probes). */
export interface ProbeCheck {
  label: string;
  expected: string;
  observed: string;
  ok: boolean;
}

export interface CellResult {
  variant: VariantId;
  row: RowId;
  kind: "scenario" | "probe";
  verdict: Verdict;
  expected: Expected;
  /** What the observed outcome was, in one line, with numbers. */
  summary: string;
  /** Why (the catalog's reason, or the refusal that explains a mismatch). */
  explanation: string;
  /** What the observed outcome means under the production profile. */
  production: string;
  /** Why the verdict is not a match, when it is not. */
  problem?: string;
  outcome: OutcomeClass | null;
  observation: Observation | null;
  event: EventRecord | null;
  checks?: ProbeCheck[];
  samples: Sample[];
  lifetime: Lifetime;
  /** The replay interval of this cell, ms. */
  pollMs: number;
  /** When the cell started and finished, ms since the run started. */
  startedMs: number;
  finishedMs: number;
}

export interface Distribution {
  count: number;
  median: number | null;
  p99: number | null;
  max: number | null;
}

export interface VariantCost {
  variant: VariantId;
  /** Session checks of a valid credential this run made and timed (Server-Timing). */
  checks: number;
  /** Store lookups per valid check: the smallest and largest seen (database + Redis). */
  lookups: { min: number | null; max: number | null; db: number | null; redis: number | null };
  /** What the catalog says one check costs in lookups. */
  expectedLookups: number;
  /** Server-side time of a valid check with nothing else running (QUIET_CHECKS sequential GET /check), ms. */
  checkMs: Distribution;
  /** The same during the matrix, with every cell polling at once, ms: queueing included. */
  loadedCheckMs: Distribution;
  /** A refused credential's check during the matrix, ms (a revoked token costs a check too). */
  rejectedCheckMs: Distribution;
  /** Credential bytes per request (what the server says the credential weighed). */
  credentialBytes: Distribution;
  /** Refreshes (jwt-refresh): how many, their lookups and time. */
  refresh: { count: number; lookups: number | null; ms: Distribution } | null;
  /** What the sign-in's Set-Cookie said (no values): the browser's rules for this credential. */
  cookies: { name: string; httpOnly: boolean; sameSite: string | null; domain: string | null; path: string | null; secure: boolean }[];
}

export interface RunTarget {
  /** Where the run sent its requests (for a page run, the server's own loopback address). */
  baseUrl: string;
  /** What the user asked for, e.g. "this server" or the CLI's URL. */
  label: string;
}

export type RunStatus = "done" | "aborted" | "failed";

export interface RunCounts {
  match: number;
  mismatch: number;
  inconclusive: number;
  error: number;
  na: number;
}

export interface RunResult {
  version: typeof RESULT_VERSION;
  id: string;
  status: RunStatus;
  source: "page" | "cli";
  target: RunTarget;
  settings: RunSettings;
  /** The TTL profile every request asked for. */
  profile: "matrix";
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  cells: CellResult[];
  costs: VariantCost[];
  counts: RunCounts;
  /** Why the run failed or stopped early. */
  error?: string;
}

/** A cell as it is queued, before it runs. */
export interface CellKey {
  variant: VariantId;
  row: RowId;
}

export type RunEvent =
  | { type: "run-started"; runId: string; settings: RunSettings; target: RunTarget; cells: CellKey[]; startedAt: string }
  | { type: "phase"; phase: "cells" | "costs"; atMs: number }
  | { type: "cell-started"; variant: VariantId; row: RowId; atMs: number }
  | { type: "sample"; variant: VariantId; row: RowId; sample: Sample }
  | { type: "cell-finished"; cell: CellResult; done: number; total: number }
  | { type: "run-finished"; result: RunResult }
  | { type: "run-failed"; runId: string; code: string; error: string };

export type { ScenarioId, ProbeId, RowId };
