// Client-safe facts of the cross-domain sign-in handoff (docs/handoff.md):
// origin A (the stateful app) hands a signed-in user over to origin B (the
// partner app) with a one-time, 60-second JWT; B exchanges it for a session
// of its own. Server code is in lib/server/handoff/.

/** The overview: what the handoff is, with links to both sides (any origin). */
export const HANDOFF_OVERVIEW = "/handoff";
/** A's page with the "Continue to partner app" button (a signed-in page of the stateful strategy). */
export const HANDOFF_START_PAGE = "/stateful/handoff";

/** B's pages. */
export const PARTNER_HOME = "/partner";
export const PARTNER_SESSION_PAGE = "/partner/session";
/** The naive contrast: one long-lived JWT accepted by both origins, kept in each origin's localStorage. */
export const NAIVE_PAGE = "/handoff/naive";

/**
 * Where B may send the user after an exchange: these exact paths, compared as
 * strings. No prefix matching, no query, no parsing tricks: anything else
 * (`https://evil.test`, `//evil.test`, `/\evil.test`, `javascript:`…) lands on PARTNER_HOME.
 */
export const PARTNER_RETURN_PATHS = [PARTNER_HOME, PARTNER_SESSION_PAGE] as const;

export function partnerReturnPath(next: unknown): (typeof PARTNER_RETURN_PATHS)[number] {
  return PARTNER_RETURN_PATHS.find((path) => path === next) ?? PARTNER_HOME;
}

/** The routes (all under /api/handoff; docs/api.md describes each). */
export const HANDOFF_ROUTES = {
  /** B: binds the browser (verifier cookie), then sends it to A's authorize. */
  begin: "/api/handoff/begin",
  /** A: mints the handoff token for the signed-in user and sends the browser to B's exchange. */
  authorize: "/api/handoff/authorize",
  /** B: verifies and consumes the token, creates B's session, redirects to a clean URL. */
  exchange: "/api/handoff/exchange",
  /** B: OpenID Connect Back-Channel Logout receiver (server to server). */
  backchannelLogout: "/api/handoff/backchannel-logout",
  /** B: the partner session of this browser (GET), and its sign-out (POST …/logout). */
  partnerSession: "/api/handoff/partner/session",
  partnerLogout: "/api/handoff/partner/logout",
  /** The naive contrast: a long-lived shared JWT for A's signed-in user (on A), and its check (on either origin). */
  naiveToken: "/api/handoff/naive/token",
  naiveMe: "/api/handoff/naive/me",
  /** The two origins, `{a, b}` (public: a comparison run from elsewhere needs them). */
  origins: "/api/handoff/origins",
} as const;

/** Longest lifetime of a handoff token, seconds (ASVS 5 10.4.3 asks for a very short one). */
export const HANDOFF_MAX_TTL_SECONDS = 60;

/** localStorage key of the naive shared JWT, on each origin (that is the point: any script there can read it). */
export const NAIVE_STORAGE_KEY = "session-lab.shared-jwt";

/** The lab's two origins, as the pages show them. */
export interface HandoffOrigins {
  a: string;
  b: string;
}
