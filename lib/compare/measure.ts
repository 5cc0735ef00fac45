import { CLOCK_TOLERANCE_SECONDS, describeDuration, TTL_PROFILES, type TtlProfileName } from "@/lib/catalog/lifetimes";
import { SCENARIOS, type ScenarioId } from "@/lib/catalog/scenarios";
import { NAIVE_TTL_SECONDS } from "@/lib/catalog/handoff";
import { expectedWindow, isNaiveCrossDomain, VARIANTS, type VariantId } from "@/lib/catalog/variants";
import {
  CLOSED_STATES,
  OPEN_STATES,
  type Distribution,
  type EventRecord,
  type Expected,
  type Lifetime,
  type Observation,
  type OutcomeClass,
  type Sample,
  type Verdict,
} from "./types";
import { ERROR_STATUS } from "@/lib/api-errors";

const UNSUPPORTED = `${ERROR_STATUS.unsupported} unsupported`;

// The measurement logic, pure and unit-tested (tests/unit/compare-measure.test.ts):
// from the replays of one cell to a window with its resolution, what that
// window means, and whether it agrees with the catalog.

/** Slack for the gap between our clock and the server's when a credential was issued and checked, ms. */
export const CLOCK_SLACK_MS = 750;
/** Expiry times are whole seconds (a JWT's `exp`, a seal's `exp`): a credential may die up to 1 s before its nominal lifetime. */
const SECOND_ROUNDING_MS = 1000;

const isOpen = (s: Sample) => OPEN_STATES.includes(s.state);
const isClosed = (s: Sample) => CLOSED_STATES.includes(s.state);

/**
 * The window one cell observed. `samples` are relative to the event (t = 0
 * when the event's response arrived); those sent before it are the pre-check.
 *
 * The window closes at some instant between the last replay that still worked
 * and the first that did not. The server evaluated each request between its
 * send and its answer, so the closing instant lies after the last open
 * request's send time (`low`) and before the first closed request's answer
 * (`high`); `high - low` is the result's resolution. When the very first
 * replay after the event is refused, `low` is 0.
 */
export function observe(samples: readonly Sample[], ageAtEventMs: number, issueWithinMs = 0): Observation {
  const after = samples.filter((s) => s.s >= 0);
  const usable = after.filter((s) => s.state !== "error");
  const errors = after.length - usable.length;
  const watchedMs = after.length > 0 ? Math.max(...after.map((s) => s.r)) : 0;
  const closeAt = usable.findIndex(isClosed);
  const first = usable[0];
  if (!first) {
    return {
      opened: false,
      closedBy: null,
      closedAfter: null,
      openUntil: null,
      watchedMs,
      ageAtEventMs,
      resolutionMs: null,
      flapped: false,
      errors,
      issueWithinMs,
    };
  }
  if (closeAt === -1) {
    const lastOpen = usable.at(-1)!;
    return {
      opened: true,
      closedBy: null,
      closedAfter: null,
      openUntil: lastOpen.s,
      watchedMs,
      ageAtEventMs,
      resolutionMs: null,
      flapped: false,
      errors,
      issueWithinMs,
    };
  }
  const closing = usable[closeAt]!;
  const low = closeAt === 0 ? 0 : usable[closeAt - 1]!.s;
  const high = closing.r;
  return {
    opened: closeAt > 0,
    closedBy: closing.state === "fresh" ? "fresh" : "rejected",
    closedAfter: { low, high },
    openUntil: closeAt === 0 ? null : low,
    watchedMs,
    ageAtEventMs,
    resolutionMs: high - low,
    flapped: usable.slice(closeAt + 1).some(isOpen),
    errors,
    issueWithinMs,
  };
}

/** When a credential replayed as issued dies on its own, ms after it was issued: [earliest, latest]. */
export function expiryWindowMs(lifetime: Lifetime): { earliest: number; latest: number } {
  const due = (lifetime.seconds + lifetime.toleranceSeconds) * 1000;
  return { earliest: due - SECOND_ROUNDING_MS - CLOCK_SLACK_MS, latest: due + CLOCK_SLACK_MS };
}

/** What an observation means, whatever the catalog expected (see OutcomeClass). */
export function classify(obs: Observation, lifetime: Lifetime): OutcomeClass | null {
  if (!obs.closedBy && obs.openUntil === null) return null; // nothing usable was seen
  const { earliest, latest } = expiryWindowMs(lifetime);
  if (obs.closedBy && obs.closedAfter) {
    if (!obs.opened) return "immediate";
    // Since the credential was issued (somewhere in the sign-in's round trip): did it close when its own lifetime ran out?
    const low = obs.closedAfter.low + obs.ageAtEventMs;
    const high = obs.closedAfter.high + obs.ageAtEventMs + (obs.issueWithinMs ?? 0);
    return high >= earliest && low <= latest ? "expiry" : "other";
  }
  // Still open: past its own expiry it can only be sliding (re-issued as it is used).
  return obs.openUntil! + obs.ageAtEventMs > latest ? "sliding" : "open";
}

/** The catalog's expectation for a scenario cell, with its bound under the matrix profile. */
export function expectedFor(variant: VariantId, scenario: ScenarioId): Expected {
  const e = VARIANTS[variant].expected[scenario];
  const w = expectedWindow(variant, scenario, "matrix");
  return { window: e.window, unsupported: e.unsupported, boundSeconds: w.seconds, reason: e.reason, text: w.text };
}

/**
 * The lifetime of a credential as a run replays it: the stateful session's
 * absolute expiry (replaying it keeps sliding its idle one), jwt-refresh's
 * access token, each stateless credential's own lifetime; plus the tolerance
 * its verifier allows past `exp`.
 */
export function replayLifetime(variant: VariantId, profile: TtlProfileName): Lifetime {
  const info = VARIANTS[variant];
  const ttl = TTL_PROFILES[profile];
  const toleranceSeconds = CLOCK_TOLERANCE_SECONDS[info.base];
  const tol = toleranceSeconds > 0 ? ` + ${toleranceSeconds} s verifier tolerance` : "";
  if (info.base === "stateful") {
    const absolute = ttl.stateful.absolute;
    return {
      seconds: absolute,
      toleranceSeconds,
      text: `absolute ${describeDuration(absolute)} (idle ${describeDuration(ttl.stateful.ttl)}, slid by use)`,
    };
  }
  if (info.capabilities.refresh === true) {
    return { seconds: ttl.refresh.access, toleranceSeconds, text: `access token ${describeDuration(ttl.refresh.access)}${tol}` };
  }
  const seconds = ttl[info.base].ttl;
  return { seconds, toleranceSeconds, text: `${describeDuration(seconds)}${tol}` };
}

/** The lifetime of what a cell replays: the variant's credential, or the naive shared JWT in the jwt column of a cross-domain row. */
export function cellLifetime(variant: VariantId, scenario: ScenarioId | null, profile: TtlProfileName): Lifetime {
  if (!isNaiveCrossDomain(variant, scenario)) return replayLifetime(variant, profile);
  const seconds = NAIVE_TTL_SECONDS[profile];
  const toleranceSeconds = CLOCK_TOLERANCE_SECONDS.jwt;
  return { seconds, toleranceSeconds, text: `the shared JWT's ${describeDuration(seconds)} + ${toleranceSeconds} s verifier tolerance` };
}

/** Whether the event itself went as the catalog says: done, or refused as `unsupported` for the named capability. */
export function judgeEvent(expected: Expected, event: EventRecord | null): string | null {
  if (!event) return "The event was not performed.";
  if (expected.unsupported) {
    if (event.code === "unsupported" && event.capability === expected.unsupported) return null;
    return `The catalog says this variant cannot ${expected.unsupported} (${UNSUPPORTED}), but ${event.request} answered ${event.status}.`;
  }
  if (event.code === "unsupported")
    return `${event.request} answered ${UNSUPPORTED} (${event.capability ?? "unsupported"}), but the catalog says it is supported.`;
  if (event.status < 200 || event.status >= 300) return `${event.request} answered ${event.status}${event.code ? ` (${event.code})` : ""}.`;
  return null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** A scenario cell's verdict: the event as the catalog says, and the window of the kind it says. */
export function judgeScenario(
  expected: Expected,
  obs: Observation,
  outcome: OutcomeClass | null,
  event: EventRecord | null,
  lifetime: Lifetime,
): { verdict: Verdict; problem?: string } {
  if (obs.errors > 0)
    return { verdict: "error", problem: `${obs.errors} replay(s) got no usable answer (network error, 5xx or an unexpected status).` };
  const eventProblem = judgeEvent(expected, event);
  if (eventProblem) return { verdict: "mismatch", problem: eventProblem };
  if (obs.flapped) return { verdict: "mismatch", problem: "The credential worked again after it had been refused." };
  if (outcome === null) return { verdict: "error", problem: "No replay after the event got an answer." };
  const due = expiryWindowMs(lifetime).latest;
  const watched = `watched ${seconds(obs.watchedMs)}; its own expiry was due ${seconds(Math.max(0, due - obs.ageAtEventMs))} after the event`;
  switch (expected.window) {
    case "none":
      return outcome === "immediate"
        ? { verdict: "match" }
        : { verdict: "mismatch", problem: `Expected a refusal on the next request; ${describeOutcome(outcome, obs)}.` };
    case "credential":
    case "access-token":
      if (outcome === "expiry") return { verdict: "match" };
      if (outcome === "open") return { verdict: "inconclusive", problem: `Still open when the run stopped watching (${watched}).` };
      return { verdict: "mismatch", problem: `Expected it to last until the credential expires; ${describeOutcome(outcome, obs)}.` };
    case "sliding":
      if (outcome === "sliding") return { verdict: "match" };
      if (outcome === "open") return { verdict: "inconclusive", problem: `Still open, but not watched past its own expiry (${watched}).` };
      return { verdict: "mismatch", problem: `Expected it to keep sliding while used; ${describeOutcome(outcome, obs)}.` };
    default:
      return { verdict: "error", problem: `Unknown expected window ${String(expected.window)}.` };
  }
}

function describeOutcome(outcome: OutcomeClass, obs: Observation): string {
  switch (outcome) {
    case "immediate":
      return "it closed on the first request after the event";
    case "expiry":
      return `it closed when the credential expired, ${seconds(obs.closedAfter!.high)} after the event`;
    case "other":
      return `it closed ${seconds(obs.closedAfter!.low)}–${seconds(obs.closedAfter!.high)} after the event, not at its expiry`;
    case "sliding":
      return `it was still open ${seconds(obs.openUntil!)} after the event, past its own expiry`;
    case "open":
      return `it was still open ${seconds(obs.openUntil!)} after the event`;
  }
}

/** One line: what was observed, with its numbers and resolution. */
export function summarize(
  kind: "revocation" | "staleness",
  obs: Observation,
  outcome: OutcomeClass | null,
  lifetimeSeconds: number,
): string {
  const open = kind === "staleness" ? "stale" : "accepted";
  if (outcome === null) return "no usable answer";
  if (obs.closedAfter && obs.closedBy) {
    const closed = obs.closedBy === "fresh" ? "fresh" : "rejected";
    const { low, high } = obs.closedAfter;
    if (!obs.opened) return `${closed} on the first request (answered in ${Math.round(high)} ms)`;
    const fraction = Math.round((high / 1000 / lifetimeSeconds) * 100);
    return `${open} for ${seconds(low)}, ${closed} by ${seconds(high)} (±${Math.round((high - low) / 2)} ms; ${fraction} % of its ${lifetimeSeconds} s lifetime)`;
  }
  return `still ${open} when the run stopped watching, ${seconds(obs.openUntil ?? 0)} after the event`;
}

/** What an observed outcome means under the production lifetimes (the catalog's profile "production"). */
export function productionMeaning(variant: VariantId, scenario: ScenarioId | null, outcome: OutcomeClass | null): string {
  const kind = scenario ? SCENARIOS[scenario].kind : "revocation";
  // The jwt column of a cross-domain scenario replays the naive shared JWT: its own (long) lifetime.
  const prod = cellLifetime(variant, scenario, "production");
  const tol = prod.toleranceSeconds > 0 ? ` (+${prod.toleranceSeconds} s tolerance)` : "";
  const what =
    scenario === "stolen-credential"
      ? "a stolen token stays usable"
      : kind === "staleness"
        ? "stale data is served"
        : "the old credential keeps working";
  switch (outcome) {
    case "immediate":
      return kind === "staleness" ? "fresh on the next request, at any lifetime" : "refused on the next request, at any lifetime";
    case "expiry":
      return `${what} for up to ${describeDuration(prod.seconds)}${tol}`;
    case "sliding":
      return `${what} indefinitely while it is used (its ${describeDuration(prod.seconds)} expiry slides on every read)`;
    case "open":
      return "not derived: the run stopped watching before the credential's own expiry";
    case "other":
      return "not derived: it closed at a time its lifetime does not explain";
    case null:
      return "not derived: no usable answer";
  }
}

/** Median, p99 (nearest rank) and max of a list of numbers. */
export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, median: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
  return { count: sorted.length, median: rank(0.5), p99: rank(0.99), max: sorted.at(-1)! };
}

/** The lifetime probe's verdict: the copy must die when its own lifetime (plus tolerance) runs out. */
export function judgeLifetime(obs: Observation, outcome: OutcomeClass | null): { verdict: Verdict; problem?: string } {
  if (obs.errors > 0) return { verdict: "error", problem: `${obs.errors} replay(s) got no usable answer.` };
  if (obs.flapped) return { verdict: "mismatch", problem: "The credential worked again after it had been refused." };
  switch (outcome) {
    case "expiry":
      return { verdict: "match" };
    case "open":
      return { verdict: "inconclusive", problem: "Still accepted when the run stopped watching, before its expiry was due." };
    case null:
      return { verdict: "error", problem: "No replay got an answer." };
    default:
      return { verdict: "mismatch", problem: `Expected it to be refused when its lifetime runs out; ${describeOutcome(outcome, obs)}.` };
  }
}

/** Replays stay dense this long after the event: an immediate refusal is seen at once. */
export const DENSE_AFTER_EVENT_MS = 1500;
/** …and this close to the moment the credential expires on its own (its expiry window is narrower). */
export const DENSE_AROUND_EXPIRY_MS = 2000;
/** Elsewhere a cell replays at most this often (never less often than `pollMs`). */
export const SPARSE_POLL_MS = 1000;

/**
 * The wait before the next replay. Replays are `pollMs` apart right after the
 * event and around the credential's own expiry, where a window closes when the
 * variant works as configured; in between they thin out to SPARSE_POLL_MS, so
 * sixty cells watching at once do not load the server they measure. A window
 * that closes in a sparse stretch is still caught; its bracket (the stated
 * resolution) is just wider.
 */
export function pollInterval(sinceEventMs: number, expiryDueMs: number, pollMs: number): number {
  if (sinceEventMs < DENSE_AFTER_EVENT_MS || Math.abs(sinceEventMs - expiryDueMs) < DENSE_AROUND_EXPIRY_MS) return pollMs;
  return Math.max(pollMs, SPARSE_POLL_MS);
}
