// Client-safe facts about the four strategies: ids, labels and what each can
// honestly do. Server implementations live in lib/server/strategies/.

export const STRATEGY_IDS = ["stateful", "cookie", "jwt", "nextauth"] as const;
export type StrategyId = (typeof STRATEGY_IDS)[number];

export function isStrategyId(value: unknown): value is StrategyId {
  return typeof value === "string" && (STRATEGY_IDS as readonly string[]).includes(value);
}

export type Transport = "cookie" | "bearer";

/** What a strategy can do with sessions other than the current one. */
export type CapabilityName = "listSessions" | "revokeSession" | "revokeAllSessions";

export interface StrategyInfo {
  id: StrategyId;
  label: string;
  summary: string;
  transport: Transport;
  /** Where the browser keeps the credential, in words. */
  credentialHome: string;
  /** `true`, or the one-line reason the strategy cannot do it. */
  capabilities: Record<CapabilityName, true | string>;
}

const STATELESS_REVOKE = "is self-contained and stays valid until it expires; nothing on the server can end it early.";

export const STRATEGIES: Record<StrategyId, StrategyInfo> = {
  stateful: {
    id: "stateful",
    label: "Stateful session",
    summary:
      "An opaque 256-bit random token in an HttpOnly cookie; the server keeps a session row (only the token's SHA-256 hash) and reads it on every request.",
    transport: "cookie",
    credentialHome: "HttpOnly cookie",
    capabilities: { listSessions: true, revokeSession: true, revokeAllSessions: true },
  },
  cookie: {
    id: "cookie",
    label: "Encrypted cookie (iron-session)",
    summary:
      "User id, name, role and issue time sealed (encrypted and authenticated) into the cookie itself, the Rails CookieStore model. No server state.",
    transport: "cookie",
    credentialHome: "HttpOnly cookie",
    capabilities: {
      listSessions: "An encrypted cookie session has no server-side record, so there is nothing to list.",
      revokeSession: `A sealed cookie on another device ${STATELESS_REVOKE}`,
      revokeAllSessions: `Each sealed cookie ${STATELESS_REVOKE}`,
    },
  },
  jwt: {
    id: "jwt",
    label: "JWT bearer token (jose)",
    summary:
      "A signed JWT (HS256, pinned) held by client JavaScript in localStorage and sent as Authorization: Bearer. The server verifies the signature and claims only.",
    transport: "bearer",
    credentialHome: "localStorage (client JS)",
    capabilities: {
      listSessions: "Issued JWTs are not recorded anywhere, so there is nothing to list.",
      revokeSession: `A JWT held by another device ${STATELESS_REVOKE}`,
      revokeAllSessions: `Every issued JWT ${STATELESS_REVOKE}`,
    },
  },
  nextauth: {
    id: "nextauth",
    label: "Auth.js (next-auth v5, JWT)",
    summary:
      "Auth.js with the Credentials provider and its default JWT session strategy: an encrypted JWT in Auth.js's own cookie, re-issued as it is read.",
    transport: "cookie",
    credentialHome: "HttpOnly cookie (Auth.js)",
    capabilities: {
      listSessions: "Auth.js's JWT strategy keeps no session records, so there is nothing to list.",
      revokeSession: `An Auth.js session token on another device ${STATELESS_REVOKE}`,
      revokeAllSessions: `Each Auth.js session token ${STATELESS_REVOKE}`,
    },
  },
};

export const ROLES = ["admin", "member"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
