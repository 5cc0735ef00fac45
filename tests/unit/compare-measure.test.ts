import { describe, expect, it } from "vitest";
import { CLOCK_TOLERANCE_SECONDS, TTL_PROFILES } from "@/lib/catalog/lifetimes";
import { VARIANTS } from "@/lib/catalog/variants";
import {
  classify,
  distribution,
  expectedFor,
  expiryWindowMs,
  judgeEvent,
  judgeLifetime,
  judgeScenario,
  observe,
  pollInterval,
  productionMeaning,
  replayLifetime,
  SPARSE_POLL_MS,
} from "@/lib/compare/measure";
import type { EventRecord, Lifetime, Sample, SampleState } from "@/lib/compare/types";

// The measurement logic of the comparison runner: from replays to a window
// with its resolution, what the window means, and whether it agrees with the
// catalog. Times are ms since the event's response.

const sample = (s: number, state: SampleState, r = s + 20): Sample => ({ s, r, state, status: state === "rejected" ? 401 : 200 });
const ok: EventRecord = { request: "POST /api/x/logout", status: 200, ms: 5 };
const JWT: Lifetime = { seconds: 10, toleranceSeconds: 5, text: "10 s + 5 s" };

describe("observe: the window and its resolution", () => {
  it("a refusal on the first replay after the event closes the window at once, bracketed by 0 and its answer", () => {
    const obs = observe([sample(-30, "accepted"), sample(2, "rejected", 14), sample(252, "rejected")], 1000);
    expect(obs).toMatchObject({ opened: false, closedBy: "rejected", closedAfter: { low: 0, high: 14 }, resolutionMs: 14, flapped: false });
    expect(obs.ageAtEventMs).toBe(1000);
  });

  it("brackets the closing instant between the last working replay's send and the first refusal's answer", () => {
    const samples = [sample(0, "accepted"), sample(250, "accepted", 262), sample(500, "accepted", 530), sample(750, "rejected", 790)];
    const obs = observe(samples, 0);
    expect(obs.opened).toBe(true);
    expect(obs.closedAfter).toEqual({ low: 500, high: 790 });
    expect(obs.resolutionMs).toBe(290);
    expect(obs.openUntil).toBe(500);
  });

  it("a window still open at the end reports how long it worked at least", () => {
    const obs = observe([sample(0, "stale"), sample(1000, "stale"), sample(2000, "stale", 2011)], 300);
    expect(obs).toMatchObject({ opened: true, closedBy: null, closedAfter: null, openUntil: 2000, watchedMs: 2011, resolutionMs: null });
  });

  it("staleness closes on fresh data as well as on a refusal", () => {
    expect(observe([sample(0, "stale"), sample(250, "fresh")], 0).closedBy).toBe("fresh");
  });

  it("flags a credential that works again after a refusal, and skips replays without a usable answer", () => {
    const obs = observe([sample(0, "accepted"), sample(250, "error"), sample(500, "rejected"), sample(750, "accepted")], 0);
    expect(obs.flapped).toBe(true);
    expect(obs.errors).toBe(1);
    expect(obs.closedAfter).toEqual({ low: 0, high: 520 }); // the error replay is no evidence either way
  });

  it("ignores the pre-check (sent before the event)", () => {
    expect(observe([sample(-40, "rejected"), sample(1, "accepted"), sample(251, "accepted")], 0).closedBy).toBeNull();
  });
});

describe("classify: what the observation means", () => {
  it("immediate, expiry (measured from issue: lifetime + tolerance), other, sliding and open", () => {
    const due = (JWT.seconds + JWT.toleranceSeconds) * 1000;
    const age = 2000;
    const closedAt = (ms: number) => observe([sample(0, "accepted"), sample(ms - 250, "accepted"), sample(ms, "rejected")], age);
    expect(classify(observe([sample(0, "rejected")], age), JWT)).toBe("immediate");
    expect(classify(closedAt(due - age + 100), JWT)).toBe("expiry");
    expect(classify(closedAt(4000), JWT)).toBe("other");
    const stillOpen = (until: number) => observe([sample(0, "accepted"), sample(until, "accepted")], age);
    expect(classify(stillOpen(due - age + 2000), JWT)).toBe("sliding");
    expect(classify(stillOpen(5000), JWT)).toBe("open");
    expect(classify(observe([], 0), JWT)).toBeNull();
  });

  it("a slow sign-in widens the bracket by its round trip: the credential was issued somewhere inside it", () => {
    // A loaded server answered the sign-in 2.5 s after issuing the token, so the refusal comes 2.5 s "early" on our clock.
    const samples = [sample(0, "accepted"), sample(12_250, "accepted"), sample(12_500, "rejected")];
    expect(classify(observe(samples, 0, 2500), JWT)).toBe("expiry");
    expect(classify(observe(samples, 0, 0), JWT)).toBe("other");
  });

  it("the expiry window allows the whole-second rounding of exp and a little clock slack, no more", () => {
    const { earliest, latest } = expiryWindowMs(JWT);
    expect(earliest).toBeGreaterThanOrEqual(13_000);
    expect(earliest).toBeLessThan(14_000);
    expect(latest).toBeGreaterThan(15_000);
    expect(latest).toBeLessThanOrEqual(16_000);
  });
});

describe("judge: expected vs observed", () => {
  const none = expectedFor("stateful", "sign-out");
  const credential = expectedFor("jwt", "sign-out");
  const sliding = expectedFor("nextauth", "sign-out");
  const at = (ms: number, age = 0) => observe([sample(0, "accepted"), sample(ms - 250, "accepted"), sample(ms, "rejected")], age);

  it("reads the expectation from the catalog", () => {
    expect(none).toMatchObject({ window: "none", boundSeconds: 0, reason: VARIANTS.stateful.expected["sign-out"].reason });
    expect(credential.boundSeconds).toBe(TTL_PROFILES.matrix.jwt.ttl + CLOCK_TOLERANCE_SECONDS.jwt);
    expect(sliding.boundSeconds).toBeNull();
    expect(expectedFor("cookie", "sign-out-everywhere").unsupported).toBe("revokeAllSessions");
  });

  it("window none: a refusal at once matches; anything later is a contradiction", () => {
    const immediate = observe([sample(0, "rejected"), sample(250, "rejected")], 0);
    expect(judgeScenario(none, immediate, classify(immediate, JWT), ok, JWT).verdict).toBe("match");
    const late = at(14_000, 1000);
    const judged = judgeScenario(none, late, classify(late, JWT), ok, JWT);
    expect(judged.verdict).toBe("mismatch");
    expect(judged.problem).toMatch(/Expected a refusal on the next request/);
  });

  it("window credential: closing at expiry matches; closing at once is flagged too (stricter than the catalog)", () => {
    const expiry = at(14_500, 500);
    expect(judgeScenario(credential, expiry, classify(expiry, JWT), ok, JWT).verdict).toBe("match");
    const immediate = observe([sample(0, "rejected")], 0);
    expect(judgeScenario(credential, immediate, classify(immediate, JWT), ok, JWT).verdict).toBe("mismatch");
    const early = observe([sample(0, "accepted"), sample(3000, "accepted"), sample(3250, "stale"), sample(3500, "fresh")], 0);
    expect(judgeScenario(credential, early, classify(early, JWT), ok, JWT).verdict).toBe("mismatch");
  });

  it("an observation that stopped before the credential's expiry is inconclusive, not a pass", () => {
    const short = observe([sample(0, "accepted"), sample(5000, "accepted")], 0);
    const judged = judgeScenario(credential, short, classify(short, JWT), ok, JWT);
    expect(judged.verdict).toBe("inconclusive");
  });

  it("window sliding: must be seen working past its own expiry", () => {
    const nextauth = replayLifetime("nextauth", "matrix");
    const past = observe([sample(0, "accepted"), sample(21_500, "accepted")], 500);
    expect(judgeScenario(sliding, past, classify(past, nextauth), ok, nextauth).verdict).toBe("match");
    const died = at(19_000, 500);
    expect(judgeScenario(sliding, died, classify(died, nextauth), ok, nextauth).verdict).toBe("mismatch");
  });

  it("the event must be refused (unsupported, the named capability) exactly where the catalog says", () => {
    const unsupported = expectedFor("cookie", "sign-out-everywhere");
    const refused: EventRecord = {
      request: "POST /api/cookie/logout-all",
      status: 404,
      code: "unsupported",
      capability: "revokeAllSessions",
      ms: 3,
    };
    expect(judgeEvent(unsupported, refused)).toBeNull();
    expect(judgeEvent(unsupported, ok)).toMatch(/cannot revokeAllSessions/);
    expect(judgeEvent(none, refused)).toMatch(/catalog says it is supported/);
    expect(judgeEvent(none, { ...ok, status: 403, code: "csrf" })).toMatch(/403 \(csrf\)/);
    expect(judgeEvent(none, null)).toMatch(/not performed/);
  });

  it("errors and flapping are never a match", () => {
    const errored = observe([sample(0, "error"), sample(250, "rejected")], 0);
    expect(judgeScenario(none, errored, classify(errored, JWT), ok, JWT).verdict).toBe("error");
    const flapped = observe([sample(0, "rejected"), sample(250, "accepted")], 0);
    expect(judgeScenario(none, flapped, classify(flapped, JWT), ok, JWT).verdict).toBe("mismatch");
    expect(judgeLifetime(flapped, classify(flapped, JWT)).verdict).toBe("mismatch");
  });

  it("the lifetime probe must die at its own expiry", () => {
    const expiry = at(14_800);
    expect(judgeLifetime(expiry, classify(expiry, JWT)).verdict).toBe("match");
    const early = at(3000);
    expect(judgeLifetime(early, classify(early, JWT)).verdict).toBe("mismatch");
  });
});

describe("lifetimes and their meaning in production", () => {
  it("replays the stateful session's absolute expiry, jwt-refresh's access token, each token's own lifetime", () => {
    expect(replayLifetime("stateful", "matrix").seconds).toBe(TTL_PROFILES.matrix.stateful.absolute);
    expect(replayLifetime("jwt-refresh", "matrix")).toMatchObject({ seconds: TTL_PROFILES.matrix.refresh.access, toleranceSeconds: 5 });
    expect(replayLifetime("nextauth", "matrix")).toMatchObject({ seconds: TTL_PROFILES.matrix.nextauth.ttl, toleranceSeconds: 15 });
  });

  it("scales an observed outcome to the production profile", () => {
    expect(productionMeaning("jwt", "stolen-credential", "expiry")).toBe("a stolen token stays usable for up to 15 min (+5 s tolerance)");
    expect(productionMeaning("cookie", "role-demotion", "expiry")).toMatch(/stale data is served for up to 14 days/);
    expect(productionMeaning("nextauth", "sign-out", "sliding")).toMatch(/indefinitely while it is used \(its 30 days expiry slides/);
    expect(productionMeaning("stateful", "sign-out", "immediate")).toBe("refused on the next request, at any lifetime");
    expect(productionMeaning("jwt", "sign-out", "open")).toMatch(/^not derived/);
  });
});

describe("polling resolution", () => {
  it("is pollMs right after the event and around the credential's expiry, sparse in between, never faster than pollMs", () => {
    expect(pollInterval(100, 15_000, 250)).toBe(250);
    expect(pollInterval(14_000, 15_000, 250)).toBe(250);
    expect(pollInterval(16_500, 15_000, 250)).toBe(250);
    expect(pollInterval(7000, 15_000, 250)).toBe(SPARSE_POLL_MS);
    expect(pollInterval(7000, 15_000, 1500)).toBe(1500);
  });
});

describe("distribution", () => {
  it("median and p99 by nearest rank", () => {
    expect(distribution([])).toEqual({ count: 0, median: null, p99: null, max: null });
    expect(distribution([3, 1, 2])).toEqual({ count: 3, median: 2, p99: 3, max: 3 });
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(distribution(hundred)).toMatchObject({ median: 50, p99: 99, max: 100 });
  });
});
