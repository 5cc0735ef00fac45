import { TTL_PROFILES, type TtlProfileName } from "./lifetimes";
import type { Expectation } from "./variants";

// The cross-domain handoff's two flows (docs/handoff.md), as the comparison
// measures them in its rows "cross-domain-sign-out" and "cross-domain-disable"
// (lib/catalog/scenarios.ts; driven by lib/compare/cross-domain.ts): the
// stateful column is the one-time handoff, the jwt column the naive way.
// Client-safe data; ./variants.ts takes each cell's expectation from here.

/** How the user got to origin B: the one-time handoff (B's own session), or the naive shared long-lived JWT. */
export const HANDOFF_FLOW_IDS = ["handoff", "naive"] as const;
export type HandoffFlowId = (typeof HANDOFF_FLOW_IDS)[number];

/** Lifetime of the naive shared JWT per profile (the jwt strategy's factory, with this lifetime and an audience both origins accept). */
export const NAIVE_TTL_SECONDS = {
  production: 7 * 24 * 3600, // a common "remember me" JWT
  lab: 600,
  matrix: TTL_PROFILES.matrix.jwt.ttl, // a comparison run sees it expire, like the jwt strategy's own
} as const satisfies Record<TtlProfileName, number>;

export interface HandoffFlowInfo {
  id: HandoffFlowId;
  label: string;
  /** What B holds, in words. */
  credentialHome: string;
  /** After sign-out, or disabling, on A. */
  expected: Record<"sign-out" | "disable", Expectation>;
}

const BACK_CHANNEL = "A sends B a back-channel logout (OIDC) before it answers, and B deletes its session: refused on the next request.";
const SHARED_JWT =
  "B verifies the shared JWT by signature and claims alone: nothing done on A reaches it, so it works until it expires by itself.";

export const HANDOFF_FLOWS: Record<HandoffFlowId, HandoffFlowInfo> = {
  handoff: {
    id: "handoff",
    label: "One-time handoff, a stateful session on each side",
    credentialHome: "B's own HttpOnly session cookie (opaque token, row in B's table)",
    expected: {
      "sign-out": { window: "none", reason: `The B session created from that A session ends. ${BACK_CHANNEL}` },
      disable: { window: "none", reason: `Every B session of the user ends. ${BACK_CHANNEL}` },
    },
  },
  naive: {
    id: "naive",
    label: "Naive: one long-lived JWT both origins accept",
    credentialHome: "localStorage on both origins (any script there can read it)",
    expected: {
      "sign-out": { window: "credential", reason: `Signing out on A only drops A's copy. ${SHARED_JWT}` },
      disable: { window: "credential", reason: `A disabled account keeps its token. ${SHARED_JWT}` },
    },
  },
};
