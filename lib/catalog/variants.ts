import { STRATEGIES, STRATEGY_IDS, type CapabilityName, type StrategyId, type Transport } from "@/lib/strategies";
import { CLOCK_TOLERANCE_SECONDS, describeDuration, TTL_PROFILES, type TtlProfileName } from "./lifetimes";
import { HANDOFF_FLOWS, NAIVE_TTL_SECONDS, type HandoffFlowId } from "./handoff";
import { SCENARIOS, type ScenarioId } from "./scenarios";

// The variants the lab compares: the four strategies plus the mitigation
// teams add to each. Client-safe data and the one source of truth for them:
// the API's `unsupported` reasons, the comparison runner's expected outcomes, the UI
// and the tests all read it. Server implementations are switches on each
// strategy's factory (lib/server/strategies/), never copies.

export const MITIGATION_IDS = [
  "cookie-version",
  "jwt-denylist",
  "jwt-refresh",
  "nextauth-refresh",
  "stateful-cache",
  "cookie-cache",
  "nextauth-lazy",
] as const;
export const VARIANT_IDS = [...STRATEGY_IDS, ...MITIGATION_IDS] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export function isVariantId(value: unknown): value is VariantId {
  return typeof value === "string" && (VARIANT_IDS as readonly string[]).includes(value);
}

/** The three session capabilities of the four strategies, plus renewing a short credential. */
export type VariantCapabilityName = CapabilityName | "refresh";

/** Server-side stores (lib/server/stores/ and the stateful session table). */
export type StoreName = "sessions" | "session-cache" | "session-versions" | "denylist" | "refresh-families";

export const STORES: Record<StoreName, string> = {
  sessions: "the stateful session table, joined with the user",
  "session-cache": "this instance's in-process cache of session rows (10 s, emptied by revocations through Redis pub/sub)",
  "session-versions": "the user's session version (and, for nextauth-refresh, name, role and disabled)",
  denylist: "revoked JWT ids (jti), each until its token expires",
  "refresh-families": "refresh-token families: the live token's hash and generation",
};

/**
 * How long a credential that should have stopped working keeps working (or
 * stale data keeps being served) after a scenario's event:
 * - `none`: on the next request;
 * - `access-token`: until the short access token expires (it is not checked per request);
 * - `credential`: until the credential's own expiry;
 * - `sliding`: never while the copy keeps being used (Auth.js re-issues it on each read).
 */
export type Window = "none" | "access-token" | "credential" | "sliding";

export interface Expectation {
  window: Window;
  /** Set when the variant cannot perform the scenario's event at all (the API answers \`unsupported\` for this capability). */
  unsupported?: VariantCapabilityName;
  /** One line: why. */
  reason: string;
  /** The scenario has nothing to measure for this variant (the cell is n/a, and `reason` says why). */
  notApplicable?: true;
}

export interface VariantInfo {
  id: VariantId;
  base: StrategyId;
  label: string;
  summary: string;
  /** What the mitigation adds to its base strategy; null for the four strategies themselves. */
  adds: string | null;
  transport: Transport;
  /** Where the browser keeps the credential, in words. */
  credentialHome: string;
  /** What an injected page script can read and take away; null: nothing (HttpOnly cookies only). */
  pageScriptReads: string | null;
  /** State-changing requests must come from this app's origin: some credential is an ambient cookie. */
  originCheck: boolean;
  /** `true`, or the one-line reason the variant cannot do it (the `unsupported` answer's error). */
  capabilities: Record<VariantCapabilityName, true | string>;
  /** Stores read or written: on every session check, at refresh, at sign-out. */
  stores: { check: StoreName[]; refresh: StoreName[]; signOut: StoreName[] };
  /** Store lookups one session check makes (the count in the Server-Timing header). */
  lookupsPerCheck: number;
  /** Expected outcome of every comparison scenario. */
  expected: Record<ScenarioId, Expectation>;
  /**
   * A switch for speed only (e.g. cookie-cache): it changes no outcome, every
   * expectation is its base strategy's, and it brings back no lookup.
   */
  speedOnly?: true;
}

const NO_REFRESH = {
  stateful: "A stateful session has no separate access token: the session row is read on every request and slides its own expiry.",
  cookie: "An iron-session seal is the whole session: there is no separate token to renew.",
  jwt: "This JWT has no refresh token: when it expires the user signs in again (jwt-refresh adds one).",
  nextauth: "Auth.js re-issues its own cookie on every read (its sliding expiry); there is no separate refresh token.",
} satisfies Record<StrategyId, string>;

const HTTPONLY =
  "HttpOnly cookie: page JavaScript cannot read it, so there is nothing to take away (a script can only act while the page is open).";
const LOCAL_STORAGE = "Bearer token in localStorage: any script on the page can read it";

function base(id: StrategyId): Pick<VariantInfo, "id" | "base" | "label" | "summary" | "adds" | "transport" | "credentialHome"> & {
  capabilities: VariantInfo["capabilities"];
} {
  const s = STRATEGIES[id];
  return {
    id,
    base: id,
    label: s.label,
    summary: s.summary,
    adds: null,
    transport: s.transport,
    credentialHome: s.credentialHome,
    capabilities: { ...s.capabilities, refresh: NO_REFRESH[id] },
  };
}

const UNSUPPORTED_EVERYWHERE = (id: StrategyId, what: string): Expectation => ({
  window: "credential",
  unsupported: "revokeAllSessions",
  reason: `Nothing can end ${what} early: ${STRATEGIES[id].capabilities.revokeAllSessions}`,
});

// The cross-domain scenarios (lib/catalog/handoff.ts, docs/handoff.md): the stateful column measures the
// one-time handoff (a stateful session on each origin, ended on B by a back-channel logout), the jwt
// column the naive way (one long-lived JWT both origins accept). No other variant has a flow of its own.
const crossDomain = (flow: HandoffFlowId) => ({
  "cross-domain-sign-out": HANDOFF_FLOWS[flow].expected["sign-out"],
  "cross-domain-disable": HANDOFF_FLOWS[flow].expected.disable,
});
const NO_CROSS_DOMAIN = (id: VariantId) => {
  const na: Expectation = {
    window: "none",
    notApplicable: true,
    reason: `No cross-domain flow is built on ${id}: the handoff starts from \`stateful\` sessions, and the naive shared token is \`jwt\`'s.`,
  };
  return { "cross-domain-sign-out": na, "cross-domain-disable": na };
};

const COOKIE: VariantInfo = {
  ...base("cookie"),
  pageScriptReads: null,
  originCheck: true,
  stores: { check: [], refresh: [], signOut: [] },
  lookupsPerCheck: 0,
  expected: {
    "sign-out": { window: "credential", reason: "Sign-out only clears this browser's cookie; a copied seal opens until it expires." },
    "sign-out-everywhere": UNSUPPORTED_EVERYWHERE("cookie", "another device's seal"),
    "revoke-device": {
      window: "credential",
      unsupported: "revokeSession",
      reason: "There is no record of the other device's seal to end.",
    },
    disable: { window: "credential", reason: "The seal is checked by decryption alone; the account's state is never read." },
    "password-change": { window: "credential", reason: "Other devices' seals do not depend on the password." },
    "role-demotion": { window: "credential", reason: "The role is sealed at sign-in and served until the seal is re-issued or expires." },
    "name-change": { window: "credential", reason: "The name is sealed at sign-in and served until the seal is re-issued or expires." },
    "stolen-credential": { window: "none", reason: HTTPONLY },
    ...NO_CROSS_DOMAIN("cookie"),
    "cross-instance": {
      window: "credential",
      reason: "No instance holds anything to end: B opens the copied seal as A would, until it expires.",
    },
  },
};

const NEXTAUTH: VariantInfo = {
  ...base("nextauth"),
  pageScriptReads: null,
  originCheck: true,
  stores: { check: [], refresh: [], signOut: [] },
  lookupsPerCheck: 0,
  expected: {
    "sign-out": {
      window: "sliding",
      reason: "Sign-out clears this browser's cookie; a copy keeps working, and Auth.js re-issues it on every read.",
    },
    "sign-out-everywhere": { ...UNSUPPORTED_EVERYWHERE("nextauth", "another device's token"), window: "sliding" },
    "revoke-device": { window: "sliding", unsupported: "revokeSession", reason: "Auth.js's JWT strategy keeps no session records." },
    disable: { window: "sliding", reason: "The jwt callback copies the user once, at sign-in; reads never consult the account." },
    "password-change": { window: "sliding", reason: "Tokens do not depend on the password." },
    "role-demotion": {
      window: "sliding",
      reason: "The role is copied into the token at sign-in and re-encoded unchanged on every read.",
    },
    "name-change": { window: "sliding", reason: "The name is copied into the token at sign-in and re-encoded unchanged on every read." },
    "stolen-credential": { window: "none", reason: HTTPONLY },
    ...NO_CROSS_DOMAIN("nextauth"),
    "cross-instance": { window: "sliding", reason: "No instance holds anything to end: B re-issues the copied cookie on every read." },
  },
};

const BASE_VARIANTS: Record<Exclude<VariantId, "stateful-cache" | "cookie-cache" | "nextauth-lazy">, VariantInfo> = {
  stateful: {
    ...base("stateful"),
    pageScriptReads: null,
    originCheck: true,
    stores: { check: ["sessions"], refresh: [], signOut: ["sessions"] },
    lookupsPerCheck: 1,
    expected: {
      "sign-out": { window: "none", reason: "Sign-out deletes the session row; the copied token finds nothing." },
      "sign-out-everywhere": { window: "none", reason: "Every session row of the user is deleted." },
      "revoke-device": { window: "none", reason: "That device's session row is deleted." },
      disable: { window: "none", reason: "The session check joins the user and refuses a disabled account." },
      "password-change": { window: "none", reason: "Every other session row is deleted; this device keeps its own." },
      "role-demotion": { window: "none", reason: "The role is read from the database on every request." },
      "name-change": { window: "none", reason: "The name is read from the database on every request." },
      "stolen-credential": { window: "none", reason: HTTPONLY },
      ...crossDomain("handoff"),
      "cross-instance": { window: "none", reason: "The session row is shared: instance B reads the deletion instance A made." },
    },
  },
  cookie: COOKIE,
  jwt: {
    ...base("jwt"),
    pageScriptReads: `${LOCAL_STORAGE}.`,
    originCheck: false,
    stores: { check: [], refresh: [], signOut: [] },
    lookupsPerCheck: 0,
    expected: {
      "sign-out": { window: "credential", reason: "The server holds nothing to end: sign-out only drops the client's copy." },
      "sign-out-everywhere": UNSUPPORTED_EVERYWHERE("jwt", "another device's token"),
      "revoke-device": { window: "credential", unsupported: "revokeSession", reason: "Issued tokens are not recorded anywhere." },
      disable: { window: "credential", reason: "Verification checks the signature and claims only, never the account." },
      "password-change": { window: "credential", reason: "A token does not depend on the password." },
      "role-demotion": { window: "credential", reason: "The role claim is signed at sign-in and trusted until the token expires." },
      "name-change": { window: "credential", reason: "The name claim is signed at sign-in and served until the token expires." },
      "stolen-credential": {
        window: "credential",
        reason: "The script reads the token from localStorage; signing out does not end it, so it works until exp.",
      },
      ...crossDomain("naive"),
      "cross-instance": {
        window: "credential",
        reason: "No instance holds anything to end: B verifies the copied token as A would, until exp.",
      },
    },
  },
  nextauth: NEXTAUTH,

  "cookie-version": {
    id: "cookie-version",
    base: "cookie",
    label: "Encrypted cookie + version check",
    summary:
      "The iron-session cookie, with the user's sessionVersion sealed in and compared with the database on every request (the advice of iron-session's FAQ).",
    adds: "One indexed read of User.sessionVersion per request; a bump (revoke all, password change, disable) ends every seal of the user.",
    transport: "cookie",
    credentialHome: "HttpOnly cookie",
    pageScriptReads: null,
    originCheck: true,
    capabilities: {
      listSessions: STRATEGIES.cookie.capabilities.listSessions as string,
      revokeSession: "The version check ends every seal of the user at once; there is no per-device record to end just one.",
      revokeAllSessions: true,
      refresh: NO_REFRESH.cookie,
    },
    stores: { check: ["session-versions"], refresh: [], signOut: [] },
    lookupsPerCheck: 1,
    expected: {
      "sign-out": {
        window: "credential",
        reason: "Sign-out clears this browser's cookie but bumps no version (that would sign out every device): a copy opens until exp.",
      },
      "sign-out-everywhere": { window: "none", reason: "The version is bumped; every older seal fails the per-request comparison." },
      "revoke-device": {
        window: "credential",
        unsupported: "revokeSession",
        reason: "A version is per user, not per device: ending one device means ending all.",
      },
      disable: { window: "none", reason: "Disabling bumps the version (and a disabled account has no valid version)." },
      "password-change": {
        window: "none",
        reason: "The change bumps the version; the device that made it is re-sealed with the new one.",
      },
      "role-demotion": {
        window: "credential",
        reason: "A role change bumps no version, and the role is still read from the seal: stale until re-issue or exp.",
      },
      "name-change": { window: "credential", reason: "The name is still read from the seal; only the version is checked." },
      "stolen-credential": { window: "none", reason: HTTPONLY },
      ...NO_CROSS_DOMAIN("cookie-version"),
      "cross-instance": {
        window: "credential",
        reason: "Sign-out bumps no version; B opens the copied seal until it expires, as A would.",
      },
    },
  },
  "jwt-denylist": {
    id: "jwt-denylist",
    base: "jwt",
    label: "JWT + jti denylist",
    summary: "The jose bearer JWT, plus a denylist of revoked token ids (jti) checked on every request.",
    adds: "One indexed denylist read per request; sign-out adds the token's jti until the token would expire anyway.",
    transport: "bearer",
    credentialHome: "localStorage (client JS)",
    pageScriptReads: `${LOCAL_STORAGE}.`,
    originCheck: false,
    capabilities: {
      listSessions: "Issued JWTs are not recorded (only revoked ones are), so there is nothing to list.",
      revokeSession:
        "A denylist can only hold tokens presented to the server; another device's token was never seen, so it stays valid until it expires.",
      revokeAllSessions:
        "A jti denylist knows only the tokens signed out with; every other device's JWT stays valid until it expires (that needs a version check).",
      refresh: NO_REFRESH.jwt,
    },
    stores: { check: ["denylist"], refresh: [], signOut: ["denylist"] },
    lookupsPerCheck: 1,
    expected: {
      "sign-out": { window: "none", reason: "Sign-out denylists the token's jti; every copy, however encoded, carries it." },
      "sign-out-everywhere": {
        window: "credential",
        unsupported: "revokeAllSessions",
        reason: "The denylist never saw the other device's token.",
      },
      "revoke-device": {
        window: "credential",
        unsupported: "revokeSession",
        reason: "The denylist never saw the other device's token.",
      },
      disable: { window: "credential", reason: "Disabling denylists nothing: the server does not know which tokens the user holds." },
      "password-change": { window: "credential", reason: "Other devices' tokens were never seen, so they cannot be denylisted." },
      "role-demotion": {
        window: "credential",
        reason: "The denylist answers 'revoked or not', never 'which role': the claim stays stale.",
      },
      "name-change": { window: "credential", reason: "The name claim is served until the token expires." },
      "stolen-credential": {
        window: "none",
        reason:
          "The script can read the token, but the victim's sign-out denylists its jti. (Closing the tab without signing out: until exp.)",
      },
      ...NO_CROSS_DOMAIN("jwt-denylist"),
      "cross-instance": {
        window: "none",
        reason: "A writes the jti to the shared denylist (Redis when REDIS_URL is set); B reads it on the next request.",
      },
    },
  },
  "jwt-refresh": {
    id: "jwt-refresh",
    base: "jwt",
    label: "Short JWT + rotating refresh token",
    summary:
      "A 60-second access JWT and a single-use refresh token that rotates on every refresh. Reuse of a spent refresh token ends its whole family.",
    adds: "No lookup per request; at refresh (about once a minute) the family and the user's session version are read and the token rotated.",
    transport: "bearer",
    credentialHome: "Access token in localStorage (client JS); refresh token in an HttpOnly cookie sent only to /api/jwt-refresh/refresh",
    pageScriptReads: `${LOCAL_STORAGE}; the refresh token is an HttpOnly cookie it cannot read.`,
    originCheck: true,
    capabilities: { listSessions: true, revokeSession: true, revokeAllSessions: true, refresh: true },
    stores: { check: [], refresh: ["refresh-families", "session-versions"], signOut: ["refresh-families"] },
    lookupsPerCheck: 0,
    expected: {
      "sign-out": {
        window: "access-token",
        reason: "Sign-out ends the refresh family; a copied access token still verifies until its short exp.",
      },
      "sign-out-everywhere": { window: "access-token", reason: "Every family ends; issued access tokens run out within their lifetime." },
      "revoke-device": { window: "access-token", reason: "That device's family ends; its access token runs out within its lifetime." },
      disable: { window: "access-token", reason: "Refresh checks the account; the current access token is not checked per request." },
      "password-change": { window: "access-token", reason: "The version bump ends the other families at their next refresh." },
      "role-demotion": { window: "access-token", reason: "Each refresh re-reads name and role; until then the signed claim is stale." },
      "name-change": { window: "access-token", reason: "Each refresh re-reads name and role; until then the signed claim is stale." },
      "stolen-credential": {
        window: "access-token",
        reason: "The script reads the access token (not the HttpOnly refresh cookie); sign-out ends the family, the copy runs out at exp.",
      },
      ...NO_CROSS_DOMAIN("jwt-refresh"),
      "cross-instance": {
        window: "access-token",
        reason: "The family ends in the shared store; B still verifies the copied access token until its short exp.",
      },
    },
  },
  "nextauth-refresh": {
    id: "nextauth-refresh",
    base: "nextauth",
    label: "Auth.js + user re-read",
    summary:
      "Auth.js's JWT strategy, with a jwt callback that re-reads the user (name, role, disabled, sessionVersion) from the database on every read.",
    adds: "One indexed read of the user per request: claims are never stale, and a version bump or disable ends every token.",
    transport: "cookie",
    credentialHome: "HttpOnly cookie (Auth.js)",
    pageScriptReads: null,
    originCheck: true,
    capabilities: {
      listSessions: STRATEGIES.nextauth.capabilities.listSessions as string,
      revokeSession: "The per-read version check ends every token of the user at once; there is no per-device record to end just one.",
      revokeAllSessions: true,
      refresh: NO_REFRESH.nextauth,
    },
    stores: { check: ["session-versions"], refresh: [], signOut: [] },
    lookupsPerCheck: 1,
    expected: {
      "sign-out": {
        window: "sliding",
        reason: "Sign-out clears this browser's cookie and bumps no version; a used copy keeps sliding.",
      },
      "sign-out-everywhere": {
        window: "none",
        reason: "The version is bumped; the jwt callback refuses every older token on its next read.",
      },
      "revoke-device": {
        window: "sliding",
        unsupported: "revokeSession",
        reason: "A version is per user, not per device: ending one device means ending all.",
      },
      disable: { window: "none", reason: "The jwt callback reads `disabled` on every request." },
      "password-change": { window: "none", reason: "The version bump ends every other token; the changing device adopts the new version." },
      "role-demotion": { window: "none", reason: "The jwt callback re-reads the role on every request." },
      "name-change": { window: "none", reason: "The jwt callback re-reads the name on every request." },
      "stolen-credential": { window: "none", reason: HTTPONLY },
      ...NO_CROSS_DOMAIN("nextauth-refresh"),
      "cross-instance": { window: "sliding", reason: "Sign-out bumps no version; B keeps re-issuing the copied cookie, as A would." },
    },
  },
};

// stateful-cache is the stateful factory with an in-process cache of session rows (docs/scaling.md).
export const VARIANTS: Record<VariantId, VariantInfo> = {
  ...BASE_VARIANTS,
  "stateful-cache": {
    ...BASE_VARIANTS.stateful,
    id: "stateful-cache",
    label: "Stateful + instance cache",
    summary:
      "The stateful session, with each instance caching session rows in memory for 10 s (at most 10,000), emptied on every revocation through Redis pub/sub.",
    adds: "No lookup on a cache hit; a miss (first request on an instance, or after 10 s) reads the row. While the pub/sub subscription is down, every request reads the database.",
    stores: { check: ["session-cache", "sessions"], refresh: [], signOut: ["sessions", "session-cache"] },
    // On a hit (sign-in fills the cache); a miss reads the session row like stateful.
    lookupsPerCheck: 0,
    expected: {
      ...BASE_VARIANTS.stateful.expected,
      "sign-out": { window: "none", reason: "Sign-out deletes the row and evicts it from every instance's cache (pub/sub)." },
      "sign-out-everywhere": { window: "none", reason: "Every row of the user is deleted and evicted from every cache." },
      "revoke-device": { window: "none", reason: "That device's row is deleted and evicted from every cache." },
      disable: { window: "none", reason: "Disabling evicts the user's rows from every cache; the next read joins the disabled user." },
      "password-change": { window: "none", reason: "The other rows are deleted and the user's cached rows evicted." },
      "role-demotion": { window: "none", reason: "A role change evicts the user's cached rows; the next read sees the new role." },
      "name-change": { window: "none", reason: "A rename evicts the user's cached rows; the next read sees the new name." },
      ...NO_CROSS_DOMAIN("stateful-cache"),
      "cross-instance": {
        window: "none",
        reason:
          "Instance B cached the row; A's sign-out reaches B's cache through Redis pub/sub before the next request (its latency is the measurement).",
      },
    },
  },
  // A switch for speed, not revocation: the same seal, opened once per process instead of on every request.
  "cookie-cache": {
    ...COOKIE,
    id: "cookie-cache",
    speedOnly: true,
    label: "Encrypted cookie + verified-seal cache",
    summary:
      "The iron-session cookie, with a bounded in-process cache of seals already opened (keyed by the seal's SHA-256, never used past its exp): iron-session's per-unseal key derivation is paid once per seal, not per request.",
    adds: "No lookup: a cache hit replaces iron-session's unseal (key derivation, AES and HMAC) with one SHA-256. Revocation is unchanged: there is none.",
    expected: { ...COOKIE.expected, ...NO_CROSS_DOMAIN("cookie-cache") },
  },
  // A switch for speed: Auth.js's sliding session, re-issued only once a token is past half its lifetime.
  "nextauth-lazy": {
    ...NEXTAUTH,
    id: "nextauth-lazy",
    speedOnly: true,
    label: "Auth.js, re-issued past half its lifetime",
    capabilities: {
      ...NEXTAUTH.capabilities,
      refresh: "Auth.js re-issues its own cookie when a read finds it past half its lifetime; there is no separate refresh token.",
    },
    summary:
      "Auth.js's JWT strategy, but a read of a token in the first half of its lifetime is answered from the token (Auth.js's decode, then a bounded cache by hash) instead of being re-encrypted and re-set; later reads go through Auth.js and re-issue it.",
    adds: "No lookup: most reads skip Auth.js's re-encryption and Set-Cookie. The session still slides, by half a lifetime at a time: revocation is unchanged.",
    expected: {
      ...Object.fromEntries(
        Object.entries(NEXTAUTH.expected).map(([scenario, e]) => [
          scenario,
          { ...e, reason: e.reason.replace("on every read", "on any read past half its lifetime") },
        ]),
      ),
      ...NO_CROSS_DOMAIN("nextauth-lazy"),
    } as Record<ScenarioId, Expectation>,
  },
};

export interface ExpectedWindow {
  /** Upper bound in seconds after the event (clock tolerance included); 0 = the next request; null = no bound while the copy is used. */
  seconds: number | null;
  /** What it means, e.g. "a stolen token stays usable for up to 15 min". */
  text: string;
}

/** The lifetime that bounds a `credential` window, and its verifier's tolerance. */
export function credentialLifetime(id: VariantId, profile: TtlProfileName): { seconds: number; toleranceSeconds: number } {
  const info = VARIANTS[id];
  const ttl = TTL_PROFILES[profile];
  const seconds = id === "jwt-refresh" ? ttl.refresh.access : ttl[info.base].ttl;
  return { seconds, toleranceSeconds: CLOCK_TOLERANCE_SECONDS[info.base] };
}

/** The jwt column of a cross-domain scenario replays the naive shared JWT, which has a lifetime of its own (lib/catalog/handoff.ts). */
export function isNaiveCrossDomain(id: VariantId, scenario: ScenarioId | null): boolean {
  return id === "jwt" && (scenario === "cross-domain-sign-out" || scenario === "cross-domain-disable");
}

/** The expected window of a scenario for a variant under a profile, in seconds and in words. */
export function expectedWindow(id: VariantId, scenario: ScenarioId, profile: TtlProfileName): ExpectedWindow {
  const expectation = VARIANTS[id].expected[scenario];
  const stale = SCENARIOS[scenario].kind === "staleness";
  const { seconds, toleranceSeconds } = isNaiveCrossDomain(id, scenario)
    ? { seconds: NAIVE_TTL_SECONDS[profile], toleranceSeconds: CLOCK_TOLERANCE_SECONDS.jwt }
    : credentialLifetime(id, profile);
  const what = stale ? "stale data is served" : "the old credential keeps working";
  switch (expectation.window) {
    case "none":
      return { seconds: 0, text: stale ? "fresh on the next request" : "rejected on the next request" };
    case "access-token":
    case "credential": {
      const bound = seconds + toleranceSeconds;
      const lifetime = expectation.window === "access-token" ? "the access token's lifetime" : "the credential's lifetime";
      return { seconds: bound, text: `${what} for up to ${describeDuration(seconds)} (${lifetime})` };
    }
    case "sliding":
      return {
        seconds: null,
        text: `${what} indefinitely while the copy is used (Auth.js slides its ${describeDuration(seconds)} expiry on every read)`,
      };
  }
}
