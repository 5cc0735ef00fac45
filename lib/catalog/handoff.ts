import { CLOCK_TOLERANCE_SECONDS, describeDuration, TTL_PROFILES, type TtlProfileName } from "./lifetimes";
import type { ExpectedWindow, Expectation } from "./variants";

// The cross-domain comparison scenario (docs/handoff.md): a user handed over
// from origin A to origin B, then an event on A, then B is polled. Client-safe
// data, the one source of the expected outcomes: the runner
// (lib/server/handoff/scenario.ts), the CLI, the comparison page and the tests
// read it, as they read ./variants.ts for the per-variant scenarios.

/** How the user got to B: the one-time handoff (B's own session), or the naive shared long-lived JWT. */
export const HANDOFF_FLOW_IDS = ["handoff", "naive"] as const;
export type HandoffFlowId = (typeof HANDOFF_FLOW_IDS)[number];

/** What happens on A at t = 0. */
export const HANDOFF_EVENT_IDS = ["sign-out", "revoke-all", "disable"] as const;
export type HandoffEventId = (typeof HANDOFF_EVENT_IDS)[number];

export const CROSS_DOMAIN_SCENARIO = {
  id: "cross-domain",
  label: "Cross-domain: sign out or disable on A, then poll B",
  kind: "revocation",
  events: {
    "sign-out": "The user signs out on origin A (POST /api/stateful/logout).",
    "revoke-all": "The user signs out everywhere on origin A (POST /api/stateful/logout-all).",
    disable: "An admin disables the user on origin A.",
  } satisfies Record<HandoffEventId, string>,
  replay: "Origin B is asked whether it still accepts what the user brought from A: B's session, or the shared JWT.",
} as const;

/** Lifetime of the naive shared JWT per profile (the jwt strategy's factory, with this lifetime and a shared audience). */
export const NAIVE_TTL_SECONDS = {
  production: 7 * 24 * 3600, // a common "remember me" JWT
  lab: 600,
  matrix: TTL_PROFILES.matrix.jwt.ttl, // a comparison run sees it expire
} as const satisfies Record<TtlProfileName, number>;

export interface HandoffFlowInfo {
  id: HandoffFlowId;
  label: string;
  /** What B holds, in words. */
  credentialHome: string;
  expected: Record<HandoffEventId, Expectation>;
}

const BACK_CHANNEL = "A sends B a back-channel logout (OIDC) before it answers, and B deletes its session: refused on the next request.";
const SHARED_JWT =
  "B verifies the shared JWT by signature and claims only: nothing done on A reaches it, so it works until it expires by itself.";

export const HANDOFF_FLOWS: Record<HandoffFlowId, HandoffFlowInfo> = {
  handoff: {
    id: "handoff",
    label: "One-time handoff, a stateful session on each side",
    credentialHome: "B's own HttpOnly session cookie (opaque token, row in B's table)",
    expected: {
      "sign-out": { window: "none", reason: `The B session created from that A session ends. ${BACK_CHANNEL}` },
      "revoke-all": { window: "none", reason: `Every B session of the user ends. ${BACK_CHANNEL}` },
      disable: { window: "none", reason: `Every B session of the user ends. ${BACK_CHANNEL}` },
    },
  },
  naive: {
    id: "naive",
    label: "Naive: one long-lived JWT both origins accept",
    credentialHome: "localStorage on both origins (any script there can read it)",
    expected: {
      "sign-out": { window: "credential", reason: `Signing out on A only drops A's copy. ${SHARED_JWT}` },
      "revoke-all": { window: "credential", reason: `"Sign out everywhere" has nothing to end. ${SHARED_JWT}` },
      disable: { window: "credential", reason: `A disabled account keeps its token. ${SHARED_JWT}` },
    },
  },
};

/** The expected window of a cell under a profile: 0 (the next request) for the handoff, the JWT's lifetime for the naive flow. */
export function expectedHandoffWindow(flow: HandoffFlowId, event: HandoffEventId, profile: TtlProfileName): ExpectedWindow {
  if (HANDOFF_FLOWS[flow].expected[event].window === "none") return { seconds: 0, text: "rejected on the next request" };
  const seconds = NAIVE_TTL_SECONDS[profile];
  return {
    seconds: seconds + CLOCK_TOLERANCE_SECONDS.jwt,
    text: `the shared JWT keeps working on B for up to ${describeDuration(seconds)} (its own lifetime)`,
  };
}
