import type { VariantId } from "@/lib/catalog/variants";
import type { Role } from "@/lib/strategies";

// The live split-screen's shapes (client-safe): the same user signed in under
// every variant, each pane re-checked against the server about once a second,
// and the admin actions that change the user underneath them.

export const LIVE_PROFILES = ["production", "matrix"] as const;
export type LiveProfile = (typeof LIVE_PROFILES)[number];

export const LIVE_ACTIONS = ["demote", "promote", "disable", "enable", "revoke", "rename", "sign-in-again"] as const;
export type LiveAction = (typeof LIVE_ACTIONS)[number];

export const LIVE_TOKEN_HEADER = "x-live-token";

export interface LivePane {
  variant: VariantId;
  /** The credential was accepted on this check. */
  accepted: boolean;
  status: number;
  code: string | null;
  /** What the credential asserts (what authorization uses). */
  session: { name: string; role: Role; expiresAt: string | null; credentialBytes: number | null } | null;
  /** The database's current row, for comparison. */
  database: { name: string; role: Role; disabled: boolean } | null;
  /** The session check's cost, from Server-Timing. */
  check: { ms: number; lookups: number } | null;
  /** jwt-refresh: the pane renewed its access token for this check. */
  refreshed: boolean;
  checkedAt: string;
}

export interface LiveActionResult {
  action: LiveAction;
  at: string;
  /** One line per request the action made, e.g. "POST /api/stateful/admin/users/…/role → 200". */
  requests: { request: string; status: number; note: string | null }[];
}

export interface LiveLabInfo {
  id: string;
  profile: LiveProfile;
  user: { id: string; email: string; name: string; role: Role };
  expiresAt: string;
}

export interface LiveSnapshot {
  lab: LiveLabInfo;
  panes: LivePane[];
  log: LiveActionResult[];
}
