// The comparison scenarios, each run against every variant. Client-safe data:
// the runner, the comparison page and the tests read it; each variant's
// expected outcome per scenario is in ./variants.ts.

export const SCENARIO_IDS = [
  "sign-out",
  "sign-out-everywhere",
  "revoke-device",
  "disable",
  "password-change",
  "role-demotion",
  "name-change",
  "stolen-credential",
  "cross-domain-sign-out",
  "cross-domain-disable",
  "cross-instance",
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];

export function isScenarioId(value: unknown): value is ScenarioId {
  return typeof value === "string" && (SCENARIO_IDS as readonly string[]).includes(value);
}

export interface ScenarioInfo {
  id: ScenarioId;
  label: string;
  /** revocation: how long a credential that should be dead keeps working; staleness: how long old data or rights are served. */
  kind: "revocation" | "staleness";
  /** What happens at t = 0. */
  event: string;
  /** What is replayed afterwards, and what counts as "still working". */
  replay: string;
}

export const SCENARIOS: Record<ScenarioId, ScenarioInfo> = {
  "sign-out": {
    id: "sign-out",
    label: "Sign-out",
    kind: "revocation",
    event: "The user signs out (POST /logout).",
    replay: "A copy of the credential taken before sign-out is replayed; it still works while GET /me answers 200.",
  },
  "sign-out-everywhere": {
    id: "sign-out-everywhere",
    label: "Sign out everywhere",
    kind: "revocation",
    event: "The user signs out everywhere from device A (POST /logout-all).",
    replay: "Device B's credential is replayed.",
  },
  "revoke-device": {
    id: "revoke-device",
    label: "Revoke one device",
    kind: "revocation",
    event: "From device A, the user revokes device B (DELETE /sessions/{id}).",
    replay: "Device B's credential is replayed.",
  },
  disable: {
    id: "disable",
    label: "Disable the account",
    kind: "revocation",
    event: "An admin disables the user (POST /admin/users/{id}/disable).",
    replay: "The user's credential is replayed.",
  },
  "password-change": {
    id: "password-change",
    label: "Password change",
    kind: "revocation",
    event: "The user changes the password on device A (POST /password); device A stays signed in.",
    replay: "Device B's credential is replayed.",
  },
  "role-demotion": {
    id: "role-demotion",
    label: "Role demotion",
    kind: "staleness",
    event: "An admin demotes the user from admin to member.",
    replay: "The admin API (GET /admin/users) is called with the old credential; it is stale while it answers 200 instead of 403.",
  },
  "name-change": {
    id: "name-change",
    label: "Display-name change",
    kind: "staleness",
    event: "The display name is changed on device A (PATCH /profile).",
    replay: "Device B reads GET /me; it is stale while `user.name` is the old name.",
  },
  "stolen-credential": {
    id: "stolen-credential",
    label: "Stolen credential",
    kind: "revocation",
    event: "An injected script copies what page JavaScript can read; the victim then signs out and closes the tab.",
    replay: "A second client replays the copy (nothing, where the credential is an HttpOnly cookie).",
  },
  // The cross-domain handoff (docs/handoff.md): origin A is the app, origin B its partner (two sites to a browser).
  "cross-domain-sign-out": {
    id: "cross-domain-sign-out",
    label: "Cross-domain: sign-out on A",
    kind: "revocation",
    event: "Signed in on origin A and handed over to origin B, the user signs out on A (POST /api/stateful/logout).",
    replay:
      "Origin B is asked whether it still accepts what the user brought from A: its own session (the one-time handoff, under stateful) or the shared JWT (the naive way, under jwt).",
  },
  "cross-domain-disable": {
    id: "cross-domain-disable",
    label: "Cross-domain: disabled on A",
    kind: "revocation",
    event: "Signed in on origin A and handed over to origin B, the user is disabled by an admin on A.",
    replay:
      "Origin B is asked whether it still accepts what the user brought from A: its own session (the one-time handoff, under stateful) or the shared JWT (the naive way, under jwt).",
  },
  // Two instances of one deployment behind a load balancer (npm run cluster, docs/scaling.md).
  "cross-instance": {
    id: "cross-instance",
    label: "Cross-instance: sign-out on A, replay on B",
    kind: "revocation",
    event: "Signed in through instance A, the user signs out through instance A (POST /logout).",
    replay: "A copy of the credential is replayed through instance B, which has already served it once (warm caches).",
  },
};
