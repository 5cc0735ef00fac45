import { MITIGATION_IDS, VARIANT_IDS, VARIANTS, type VariantId } from "./variants";
import type { ScenarioId } from "./scenarios";
import type { StrategyId } from "@/lib/strategies";

// The security properties the lab asserts, with their sources and the
// expected outcome for every variant. Client-safe data and the one source of
// truth: the Playwright suite in e2e/security/ asserts each cell (a
// fails-by-design cell is asserted to fail), the attack lab fires the attacks
// and judges them against it, and /compare shows it beside what the suite
// last observed. Where a variant's outcome follows from a comparison
// scenario (./variants.ts), it is derived from that scenario, never restated.

export type Outcome =
  | { outcome: "holds"; note?: string }
  /** The strategy cannot have the property without a mitigation: the suite asserts that it fails. */
  | { outcome: "fails-by-design"; reason: string }
  /** The property has nothing to check on this variant. */
  | { outcome: "n/a"; reason: string };
export type OutcomeKind = Outcome["outcome"];

export const CATEGORIES = {
  cookies: "Cookies",
  lifecycle: "Session lifecycle",
  revocation: "Revocation and staleness",
  jwt: "JWT validation attacks",
  csrf: "CSRF and CORS",
  xss: "XSS exfiltration",
  handoff: "Cross-domain handoff",
  secrets: "Secrets and keys",
  input: "Proxy headers and hostile input",
} as const;
export type Category = keyof typeof CATEGORIES;

export interface SecurityProperty {
  id: string;
  category: Category;
  title: string;
  /** What must be true, in one or two sentences. */
  statement: string;
  /** Standards it comes from: ASVS 5.0 ids, RFC sections, cheat sheets, CVEs. */
  sources: string[];
  /** How e2e/security asserts it. */
  test: string;
  /** Where the sources disagree, said once. */
  disagreement?: string;
  /** A fix of the review's "Fix first" list (issue 7) this property's test depends on, if any. */
  dependsOnFix?: string;
  expected: Record<VariantId, Outcome>;
}

export type MitigationId = (typeof MITIGATION_IDS)[number];

const HOLDS: Outcome = { outcome: "holds" };
const holds = (note: string): Outcome => ({ outcome: "holds", note });
const fails = (reason: string): Outcome => ({ outcome: "fails-by-design", reason });
const na = (reason: string): Outcome => ({ outcome: "n/a", reason });

/**
 * Every variant's outcome, spelled out: the four strategies, then each mitigation explicitly ("as-base" copies
 * its base strategy's cell). A variant added to ./variants.ts is a type error here until it gets its cells.
 */
function cells(
  strategies: Record<StrategyId, Outcome>,
  mitigations: Record<MitigationId, Outcome | "as-base">,
): Record<VariantId, Outcome> {
  const out = { ...strategies } as Record<VariantId, Outcome>;
  for (const id of MITIGATION_IDS) {
    const cell = mitigations[id];
    out[id] = cell === "as-base" ? strategies[VARIANTS[id].base] : cell;
  }
  return out;
}

// cookie-cache and nextauth-lazy are speed switches that change no outcome of their base (lib/catalog/variants.ts);
// stateful-cache keeps stateful's cookie and rows (its cache is emptied on every revocation, docs/scaling.md).
const ALL_BASE = {
  "cookie-version": "as-base",
  "jwt-denylist": "as-base",
  "jwt-refresh": "as-base",
  "nextauth-refresh": "as-base",
  "stateful-cache": "as-base",
  "cookie-cache": "as-base",
  "nextauth-lazy": "as-base",
} as const;

/** The same outcome everywhere (still one explicit cell per variant). */
function everywhere(outcome: Outcome): Record<VariantId, Outcome> {
  return cells({ stateful: outcome, cookie: outcome, jwt: outcome, nextauth: outcome }, ALL_BASE);
}

/** Derived from a comparison scenario: holds where the variant's window is `none`, else fails by design with its reason. */
function fromScenario(scenario: ScenarioId): Record<VariantId, Outcome> {
  return Object.fromEntries(
    VARIANT_IDS.map((id) => {
      const e = VARIANTS[id].expected[scenario];
      return [id, e.window === "none" ? holds(e.reason) : fails(e.reason)];
    }),
  ) as Record<VariantId, Outcome>;
}

const BEARER_NO_COOKIE = na("The credential is a bearer token in an Authorization header; no cookie carries it.");
const NOT_A_JWT_STATEFUL = na("An opaque random token, not a JWT: there is no header or claim to tamper with (L2 covers forged values).");
const NOT_A_JWT_IRON = na(
  "An iron-session seal (AES-256-CBC + HMAC-SHA256 under a fixed format), not a JOSE token: no header chooses anything.",
);
const JWE_ONLY = (what: string) =>
  holds(`Auth.js's session token is a JWE (dir + A256CBC-HS512): ${what} is rejected because nothing but its own encryption decodes.`);
const NO_ASYMMETRIC =
  "Only HMAC keys exist (HS256, pinned): there is no public key to confuse with a secret, and asymmetric algs are refused.";

/** Cookie variants' session cookie; jwt-refresh's refresh cookie is held to the same rules where they apply. */
const COOKIE_ONLY = (jwtRefresh: Outcome = holds("Its refresh token is an HttpOnly cookie held to the same rule.")) =>
  cells({ stateful: HOLDS, cookie: HOLDS, jwt: BEARER_NO_COOKIE, nextauth: HOLDS }, { ...ALL_BASE, "jwt-refresh": jwtRefresh });

/** JWT properties: jose's verifier for the jwt variants, Auth.js's JWE for nextauth, nothing to attack for the others. */
function jwtAttack(nextauth: Outcome): Record<VariantId, Outcome> {
  return cells({ stateful: NOT_A_JWT_STATEFUL, cookie: NOT_A_JWT_IRON, jwt: HOLDS, nextauth }, ALL_BASE);
}

const HANDOFF_ONLY = cells(
  {
    stateful: holds("The one-time handoff is built on stateful sessions (docs/handoff.md)."),
    cookie: na("No cross-domain handoff is built on this strategy."),
    jwt: na("jwt's cross-domain contrast is the naive shared token, measured on /compare, not a handoff."),
    nextauth: na("No cross-domain handoff is built on this strategy."),
  },
  ALL_BASE,
);

const SESSION_CS = "OWASP Session Management Cheat Sheet";
const JWT_CS = "OWASP JSON Web Token Cheat Sheet";
const CSRF_CS = "OWASP CSRF Prevention Cheat Sheet";

export const SECURITY_PROPERTIES: readonly SecurityProperty[] = [
  // ---------------------------------------------------------------- cookies
  {
    id: "C1",
    category: "cookies",
    title: "Session cookie is HttpOnly",
    statement: "The cookie that carries the session has the HttpOnly attribute, so page scripts cannot read it.",
    sources: ["ASVS 5.0 3.3.4", "ASVS 4.0.3 3.4.2", "ZAP 10010"],
    test: "Sign in; the raw Set-Cookie of the session cookie has HttpOnly, and document.cookie in the browser does not show it.",
    expected: COOKIE_ONLY(),
  },
  {
    id: "C2",
    category: "cookies",
    title: "Secure flag over https",
    statement: "Served over https, the session cookie has the Secure attribute, so it never travels over plain http.",
    sources: ["ASVS 5.0 3.3.1", "ASVS 4.0.3 3.4.1", "ZAP 10011"],
    test: "A second server with APP_ORIGIN=https://…: the session cookie's Set-Cookie has Secure. (Plain-http localhost cannot use it.)",
    expected: COOKIE_ONLY(),
  },
  {
    id: "C3",
    category: "cookies",
    title: "SameSite set explicitly",
    statement: "The session cookie states SameSite=Lax or Strict itself instead of relying on a browser default.",
    sources: ["ASVS 5.0 3.3.2", "ASVS 4.0.3 3.4.3", "ZAP 10054"],
    test: "Parse the raw Set-Cookie header: SameSite=Lax or SameSite=Strict is present.",
    expected: COOKIE_ONLY(holds("Its refresh cookie is SameSite=Strict.")),
  },
  {
    id: "C4",
    category: "cookies",
    title: "__Host- prefix over https",
    statement: "Over https the session cookie is named __Host-…, which makes the browser insist on Secure, Path=/ and no Domain.",
    sources: ["ASVS 5.0 3.3.3", "ASVS 4.0.3 3.4.4", "ZAP 90033"],
    test: "On the https-configured server: the Set-Cookie name starts with __Host-, with Secure, Path=/ and no Domain.",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: HOLDS,
        jwt: BEARER_NO_COOKIE,
        nextauth: fails(
          "Auth.js names its cookie __Secure-authjs.session-token: Secure is enforced, but __Secure- does not forbid a Domain attribute.",
        ),
      },
      {
        ...ALL_BASE,
        "jwt-refresh": fails("The refresh cookie is scoped to the refresh endpoint's path, and __Host- requires Path=/: it is __Secure-."),
      },
    ),
  },
  {
    id: "C5",
    category: "cookies",
    title: "Credential fits in 4096 bytes",
    statement:
      "With the largest realistic session payload (a display name at the maximum length, admin role), the credential's name and value stay within the 4096 bytes a browser keeps for one cookie.",
    sources: ["ASVS 5.0 3.3.5", "RFC 6265 §6.1", "next-auth #8788"],
    test: "Set a maximum-length multi-byte display name, sign in again, and measure every Set-Cookie (Auth.js chunks included) or the bearer header.",
    expected: everywhere(HOLDS),
  },
  {
    id: "C6",
    category: "cookies",
    title: "Credential never accepted from a URL",
    statement: "A valid credential placed in the query string is not a credential: URLs end up in logs, history and Referer headers.",
    sources: ["ASVS 5.0 14.2.1", "ASVS 4.0.3 3.1.1", "ZAP 3", "ZAP 10024"],
    test: "GET /api/{v}/me?token=<valid>&<cookie name>=<valid> with no cookie or header → 401.",
    expected: everywhere(HOLDS),
  },
  {
    id: "C7",
    category: "cookies",
    title: "Cache-Control: no-store",
    statement: "Authenticated responses and responses that set a session cookie are never stored by a browser or proxy cache.",
    sources: ["ASVS 5.0 14.3.2", SESSION_CS],
    test: "Sign-in, /me and a signed-in page answer with Cache-Control: no-store.",
    expected: everywhere(HOLDS),
  },

  // ---------------------------------------------------------------- lifecycle
  {
    id: "L1",
    category: "lifecycle",
    title: "No session fixation",
    statement: "Signing in issues a new credential; a value planted in the browser before sign-in is never adopted.",
    sources: ["ASVS 5.0 7.2.4", "ASVS 4.0.3 3.2.1", "WSTG-SESS-03", "ZAP 40013"],
    test: "Plant a known cookie value, sign in: the cookie changes and the planted value → 401.",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: HOLDS,
        jwt: na("The server returns the token in the response body; nothing the browser already holds is ever reused."),
        nextauth: HOLDS,
      },
      { ...ALL_BASE, "jwt-refresh": holds("The refresh cookie is replaced at sign-in; a planted value is refused at /refresh.") },
    ),
  },
  {
    id: "L2",
    category: "lifecycle",
    title: "Unissued values are rejected",
    statement: "Credentials the server never issued (random cookies, random bearer tokens, truncated seals) are rejected, never adopted.",
    sources: [SESSION_CS + " (strict session management)", "ASVS 5.0 7.2.1"],
    test: "Random and truncated values in every credential slot → 401 JSON, and no Set-Cookie adopting them.",
    expected: everywhere(HOLDS),
  },
  {
    id: "L3",
    category: "lifecycle",
    title: "Reference tokens have ≥ 128 bits from a CSPRNG",
    statement: "Opaque session tokens are at least 128 random bits (not UUIDs or counters), so they cannot be guessed.",
    sources: ["ASVS 5.0 7.2.3", "ASVS 5.0 11.5.1", SESSION_CS],
    disagreement: "ASVS 4.0.3 and older texts ask for 64 bits of entropy; ASVS 5.0 asks for 128. The lab issues 256.",
    test: "Dozens of sign-ins: every token is distinct, decodes to ≥ 16 bytes, and shows no shared prefix or counter.",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: na("A seal is not a reference token: unforgeability rests on the sealing password (K3)."),
        jwt: na("A JWT is not a reference token: unforgeability rests on the signing key (J10)."),
        nextauth: na("Auth.js's JWE is not a reference token: unforgeability rests on AUTH_SECRET (K3)."),
      },
      { ...ALL_BASE, "jwt-refresh": holds("Its refresh token is a reference token: 256 random bits, checked the same way.") },
    ),
  },
  {
    id: "L4",
    category: "lifecycle",
    title: "Tokens hashed at rest",
    statement: "The server stores only a hash of each reference token, so a dumped table cannot be replayed.",
    sources: ["ASVS 5.0 11.2.4", "Lucia sessions guide"],
    test: "Read the database after sign-in: the stored key is sha256(token), the token itself appears nowhere; the stored value as a cookie → 401.",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: na("Nothing is stored on the server."),
        jwt: na("Nothing is stored on the server."),
        nextauth: na("Nothing is stored on the server."),
      },
      {
        ...ALL_BASE,
        "jwt-denylist": na("Only revoked token ids (jti) are stored, never tokens."),
        "jwt-refresh": holds("Refresh families store only the live refresh token's hash."),
      },
    ),
  },
  {
    id: "L5",
    category: "lifecycle",
    title: "Idle timeout",
    statement: "A credential left unused past its idle limit is rejected.",
    sources: ["ASVS 5.0 7.3.1", SESSION_CS],
    test: "Sign in with the short matrix lifetimes (X-Session-Lab-Profile: matrix), stay idle past ttl + clock tolerance → 401.",
    expected: cells(
      {
        stateful: holds("The session row's expiry slides on use; unused it ends after the idle ttl."),
        cookie: holds("No separate idle timer: the seal's fixed lifetime is the idle limit too."),
        jwt: holds("No separate idle timer: the token's fixed lifetime is the idle limit too."),
        nextauth: holds("Auth.js slides maxAge on use; unused, the token ends after maxAge."),
      },
      { ...ALL_BASE, "jwt-refresh": holds("An unused refresh token expires after the idle lifetime; the access token after its own.") },
    ),
  },
  {
    id: "L6",
    category: "lifecycle",
    title: "Absolute timeout",
    statement: "However active, a session ends at an absolute limit after sign-in.",
    sources: ["ASVS 5.0 7.3.2", SESSION_CS],
    test: "Keep the credential busy (and refreshed where the variant can) past the absolute limit of the matrix profile → 401.",
    expected: cells(
      {
        stateful: holds("Sliding expiry is capped by the row's absolute expiry."),
        cookie: holds("Re-seals keep the original exp (never iron-session's save(), which would restart the ttl)."),
        jwt: holds("Re-issued tokens keep the original exp."),
        nextauth: fails("Auth.js re-encrypts its token with a fresh maxAge on every read: an active session never reaches a limit."),
      },
      {
        ...ALL_BASE,
        "jwt-refresh": holds("The refresh family ends at its absolute lifetime; no refresh extends it."),
        "nextauth-refresh": fails("Still Auth.js's sliding token: the per-read user check adds no absolute limit."),
      },
    ),
  },
  {
    id: "L7",
    category: "lifecycle",
    title: "List and end one's own sessions",
    statement: "A user can see their active sessions and end another device's session.",
    sources: ["ASVS 5.0 7.4.5", "ASVS 5.0 7.5.2", "WSTG-SESS-11"],
    test: "Device A lists sessions and deletes device B's; B is refused (bearer refresh: B's refresh fails at once).",
    expected: Object.fromEntries(
      VARIANT_IDS.map((id) => {
        const capability = VARIANTS[id].capabilities.revokeSession;
        return [id, capability === true ? HOLDS : fails(capability)];
      }),
    ) as Record<VariantId, Outcome>,
  },
  {
    id: "L8",
    category: "lifecycle",
    title: "Re-authentication before a password change",
    statement: "Changing the password requires the current password.",
    sources: ["ASVS 5.0 7.5.1", "ASVS 5.0 6.2.3"],
    test: "POST /password without, or with a wrong, current password → 4xx, and the old password still signs in.",
    expected: everywhere(HOLDS),
  },

  // ---------------------------------------------------------------- revocation
  {
    id: "R1",
    category: "revocation",
    title: "Sign-out ends the credential on the server",
    statement: "After sign-out, a copy of the credential taken before it is rejected.",
    sources: ["ASVS 5.0 7.4.1", "ASVS 4.0.3 3.3.1", "WSTG-SESS-06", "iron-session README (destroy only removes the cookie)"],
    test: "Copy the credential, sign out, replay the copy.",
    expected: fromScenario("sign-out"),
  },
  {
    id: "R2",
    category: "revocation",
    title: "Client state cleared at sign-out",
    statement: "Sign-out removes the credential from the browser: the cookie is expired with the same attributes, storage emptied.",
    sources: ["ASVS 5.0 14.3.1", "Clear-Site-Data"],
    test: "Sign-out's Set-Cookie has Max-Age=0 for every session cookie; in the browser, the jwt pages' sign-out leaves no token in localStorage.",
    expected: cells(
      { stateful: HOLDS, cookie: HOLDS, jwt: holds("The jwt client drops its token from localStorage at sign-out."), nextauth: HOLDS },
      {
        ...ALL_BASE,
        "jwt-denylist": na("No pages of its own: the server sets no cookie, and its browser client is jwt's (asserted there)."),
        "jwt-refresh": holds("The refresh cookie is expired with Max-Age=0; the access token is dropped by jwt's client."),
      },
    ),
  },
  {
    id: "R3",
    category: "revocation",
    title: "Password change ends other sessions",
    statement: "After a password change, the user's other devices are signed out.",
    sources: ["ASVS 5.0 7.4.3"],
    test: "Devices A and B; A changes the password; B's credential is replayed.",
    expected: fromScenario("password-change"),
  },
  {
    id: "R4",
    category: "revocation",
    title: "A disabled account loses its sessions",
    statement: "Disabling a user ends every credential they hold.",
    sources: ["ASVS 5.0 7.4.2", "RFC 8725 §3.8 (the subject must still be valid)"],
    test: "An admin disables the user; the user's credential is replayed.",
    expected: fromScenario("disable"),
  },
  {
    id: "R5",
    category: "revocation",
    title: "Role changes apply at once",
    statement: "A demoted admin loses admin rights on their next request.",
    sources: ["ASVS 5.0 7.2.1", "ASVS 5.0 8.2.1"],
    test: "Demote an admin; their existing credential on an admin route → 403.",
    expected: fromScenario("role-demotion"),
  },
  {
    id: "R6",
    category: "revocation",
    title: "A denylist keys on jti, not on the token string",
    statement: "A revoked token stays revoked however it is re-encoded (JWTs are malleable: base64url padding, header reordering).",
    sources: [JWT_CS + " (token revocation)", "RFC 7519 §4.1.7"],
    test: "Sign in (token T1), change the display name (the server re-issues T2 with the same jti), sign out with T1: T2 → 401 too.",
    expected: cells(
      {
        stateful: na("No denylist: the session row is deleted."),
        cookie: na("No denylist."),
        jwt: na("No denylist (jwt-denylist adds one)."),
        nextauth: na("No denylist."),
      },
      {
        "cookie-version": na("No denylist."),
        "jwt-denylist": HOLDS,
        "jwt-refresh": na("No denylist."),
        "nextauth-refresh": na("No denylist."),
        "stateful-cache": na("No denylist: the session row is deleted and evicted from every instance's cache."),
        "cookie-cache": na("No denylist."),
        "nextauth-lazy": na("No denylist."),
      },
    ),
  },
  {
    id: "R7",
    category: "revocation",
    title: "An expired credential is rejected even if the client keeps it",
    statement:
      "A credential replayed after its expiry plus the verifier's clock tolerance is rejected, whatever the cookie's own expiry says.",
    sources: ["RFC 7519 §4.1.4", "iron-session README (60 s skew)", "ASVS 5.0 9.2.1"],
    test: "Keep a copy issued with the matrix lifetimes; replay it after ttl + tolerance → 401.",
    expected: everywhere(HOLDS),
  },
  {
    id: "R8",
    category: "revocation",
    title: "Refresh tokens rotate, and reuse ends the family",
    statement: "Each refresh spends the refresh token; presenting a spent one (after the grace window) ends the whole family.",
    sources: ["ASVS 5.0 10.4.5", "RFC 9700 §4.14.2"],
    test: "RT1 → RT2; after the grace window RT1 again → 401 refresh_reused, and RT2 is then refused too.",
    expected: cells(
      {
        stateful: na("No refresh token."),
        cookie: na("No refresh token."),
        jwt: na("No refresh token (jwt-refresh adds one)."),
        nextauth: na("No refresh token: Auth.js re-issues its own cookie."),
      },
      {
        "cookie-version": na("No refresh token."),
        "jwt-denylist": na("No refresh token."),
        "jwt-refresh": HOLDS,
        "nextauth-refresh": na("No refresh token."),
        "stateful-cache": na("No refresh token."),
        "cookie-cache": na("No refresh token."),
        "nextauth-lazy": na("No refresh token."),
      },
    ),
  },
  {
    id: "R9",
    category: "revocation",
    title: "A password change ends revocable sessions of every strategy",
    statement:
      "A password change made through any variant ends the user's stateful sessions (and bumps the version other mitigations check), not just sessions of the variant that made it.",
    sources: ["ASVS 5.0 7.4.3"],
    test: "A stateful session, then a password change through this variant: the stateful session → 401.",
    dependsOnFix: "1 (a password change ends every revocable session of the user)",
    expected: everywhere(HOLDS),
  },
  {
    id: "R10",
    category: "revocation",
    title: "A deleted user's credential is a 401, never a 500",
    statement: "A credential still held after its user was deleted is rejected cleanly.",
    sources: ["ASVS 5.0 7.4.2", "RFC 8725 §3.8"],
    test: "Sign in a throwaway account, delete it (release its lease), replay → 401 JSON (never 5xx).",
    dependsOnFix: "6 (a credential of a deleted user never causes a 500)",
    expected: everywhere(HOLDS),
  },

  // ---------------------------------------------------------------- JWT
  {
    id: "J1",
    category: "jwt",
    title: "Payload edited without re-signing",
    statement: "Changing a claim (role → admin) without a valid signature is rejected.",
    sources: ["PortSwigger JWT labs", "jwt_tool", "RFC 7515 §5.2"],
    test: "Edit the payload of a valid token (JWE: flip a ciphertext byte) → 401.",
    expected: jwtAttack(JWE_ONLY("an edited token")),
  },
  {
    id: "J2",
    category: "jwt",
    title: "alg none, in every case, and stripped signatures",
    statement: "Unsigned tokens (alg none/None/NONE/nOnE, or an empty signature segment) are rejected.",
    sources: ["RFC 8725 §2.1", "RFC 8725 §3.1", "ASVS 5.0 9.1.2", "CVE-2015-9235"],
    test: "Each alg-none spelling with an empty signature, and `header.payload.` of a valid token → 401.",
    expected: jwtAttack(JWE_ONLY("an unsigned JWS")),
  },
  {
    id: "J3",
    category: "jwt",
    title: "One algorithm pinned per key",
    statement: "A token re-signed with the right secret but another algorithm of the family (HS384, HS512) is rejected.",
    sources: ["RFC 8725 §3.1", "ASVS 5.0 9.1.2"],
    test: "Re-sign a valid payload with HS384 and HS512 using the real secret (local runs read it) → 401.",
    expected: jwtAttack(JWE_ONLY("a JWS of any algorithm")),
  },
  {
    id: "J4",
    category: "jwt",
    title: "No RS/HS key confusion",
    statement: "A public key can never be used as an HMAC secret; asymmetric algorithms are not accepted by an HMAC verifier.",
    sources: ["CVE-2015-9235", "RFC 8725 §3.1"],
    test: "Tokens with RS256/ES256/PS256 headers → 401; no JWKS or public key is published to abuse.",
    expected: jwtAttack(holds(NO_ASYMMETRIC)),
  },
  {
    id: "J5",
    category: "jwt",
    title: "Embedded jwk ignored",
    statement: "A token carrying its own key in a `jwk` header, signed with that key, is rejected.",
    sources: ["CVE-2018-0114", "ASVS 5.0 9.1.3"],
    test: "Generate a key pair and an HMAC key, embed each as `jwk`, sign with it → 401.",
    expected: jwtAttack(JWE_ONLY("a JWS with an embedded key")),
  },
  {
    id: "J6",
    category: "jwt",
    title: "jku / x5u never fetched",
    statement: "Key URLs in a token header are not followed: nothing is fetched and the token is rejected.",
    sources: ["RFC 8725 §3.10", "ASVS 5.0 9.1.3"],
    test: "Headers jku and x5u point at a local listener; → 401 and the listener records no request.",
    expected: jwtAttack(JWE_ONLY("a JWS naming a key URL")),
  },
  {
    id: "J7",
    category: "jwt",
    title: "kid injection",
    statement: "A `kid` with path traversal or SQL fragments neither selects a key nor leaks an error.",
    sources: ["jwt_tool", "PortSwigger JWT labs", "RFC 8725 §3.10"],
    test: "kid = ../../../../dev/null, ' OR '1'='1, and a very long kid, each signed with '' or the null-file key → 401 JSON without a stack trace.",
    expected: jwtAttack(JWE_ONLY("a JWS with any kid")),
  },
  {
    id: "J8",
    category: "jwt",
    title: "ES256 all-zero signature",
    statement: 'An ECDSA signature of r = s = 0 ("psychic signatures") is rejected.',
    sources: ["CVE-2022-21449"],
    test: "alg ES256 with 64 zero bytes as signature → 401.",
    expected: jwtAttack(JWE_ONLY("an ES256 JWS")),
  },
  {
    id: "J9",
    category: "jwt",
    title: "exp required and enforced, nbf enforced, bounded clock skew",
    statement:
      "Tokens past exp + tolerance, with nbf in the future, or without exp are rejected; a token just inside the tolerance is accepted.",
    sources: ["RFC 7519 §4.1.4–4.1.5", "ASVS 5.0 9.2.1"],
    test: "Signed with the real secret: exp 30 s ago → 401, exp 2 s ago → 200 (5 s tolerance), nbf +120 s → 401, no exp → 401. Auth.js: an expired JWE → 401.",
    expected: jwtAttack(holds("Auth.js's decode checks exp with its fixed 15 s tolerance.")),
  },
  {
    id: "J10",
    category: "jwt",
    title: "HMAC secret not guessable",
    statement: "The signing secret has at least 256 bits; a weak one stops start-up outside the demo.",
    sources: ["RFC 8725 §3.5", "ASVS 5.0 11.2.3"],
    test: "Run the start-up environment check with a short and a low-entropy JWT_SECRET: it refuses with a clear message.",
    dependsOnFix: "7 (secret strength means entropy) for the low-entropy case",
    expected: jwtAttack(holds("AUTH_SECRET is held to the same check.")),
  },
  {
    id: "J11",
    category: "jwt",
    title: "iss, aud and typ checked; token kinds not interchangeable",
    statement: "A token for another issuer, audience or type (another variant's token, a handoff token) is rejected.",
    sources: ["RFC 8725 §3.8", "RFC 8725 §3.9", "RFC 8725 §3.11", "RFC 8725 §3.12"],
    test: "Re-signed with the real secret: wrong iss, wrong aud, typ JWT, another variant's token → 401.",
    expected: jwtAttack(
      holds("Auth.js's JWE key is derived from AUTH_SECRET with its cookie name as salt: another cookie's token does not decrypt."),
    ),
  },
  {
    id: "J12",
    category: "jwt",
    title: "Unknown crit header rejected",
    statement: "A token whose `crit` lists an extension the verifier does not understand is rejected.",
    sources: ["RFC 7515 §4.1.11"],
    test: 'Signed with the real secret and crit: ["x-lab"] → 401.',
    expected: jwtAttack(JWE_ONLY("a JWS with crit")),
  },
  {
    id: "J13",
    category: "jwt",
    title: "Minimal claims",
    statement: "A JWT's payload is readable by anyone holding it: it carries no secret and no PII beyond what the app needs.",
    sources: [JWT_CS, "ASVS 5.0 9.2.4"],
    test: "Decode an issued token: only sub, name, role, iat, exp, jti (sid), iss, aud; no email, password or hash. Auth.js: the cookie is an encrypted JWE.",
    expected: jwtAttack(holds("The payload is encrypted (JWE), so it is not readable at all.")),
  },

  // ---------------------------------------------------------------- CSRF
  {
    id: "X1",
    category: "csrf",
    title: "No server action can be forged cross-site",
    statement:
      "Next.js server actions check the Origin, but let a request with no Origin through. The app defines no server actions: a forged Next-Action request changes nothing.",
    sources: ["Next.js serverActions docs (allowedOrigins)", "ASVS 5.0 3.5.1"],
    disagreement:
      "Next.js lets a server-action request without an Origin header through; OWASP's CSRF cheat sheet treats a missing Origin as unverified.",
    test: "POST to a signed-in page with a random Next-Action id and a foreign Origin (and with none): no 2xx, no side effect.",
    expected: cells(
      { stateful: HOLDS, cookie: HOLDS, jwt: na("No ambient credential: a forged request carries none."), nextauth: HOLDS },
      { ...ALL_BASE, "jwt-refresh": na("Its pages are jwt's: no ambient credential on page requests.") },
    ),
  },
  {
    id: "X2",
    category: "csrf",
    title: "State-changing routes refuse a foreign Origin",
    statement:
      "Every state-changing route refuses a request whose Origin is another site, a same-site sibling (another port), or absent with Sec-Fetch-Site: cross-site; a cross-site text/plain form changes nothing.",
    sources: [CSRF_CS, "ASVS 5.0 3.5.1", "ASVS 5.0 3.5.2"],
    test: "Every POST/PATCH/DELETE route with Origin http://evil.test, Origin of a second port, and no Origin + Sec-Fetch-Site: cross-site → 403 csrf; a same-site attacker page auto-submits a text/plain form: the session survives.",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: HOLDS,
        jwt: holds("Immune by design: the credential is a header the attacker's page cannot attach."),
        nextauth: HOLDS,
      },
      ALL_BASE,
    ),
  },
  {
    id: "X3",
    category: "csrf",
    title: "GET never changes state",
    statement: "Mutation routes answer GET with 405; no GET signs out, deletes or changes anything.",
    sources: ["ASVS 5.0 3.5.3"],
    test: "GET on every mutation route → 405 method_not_allowed, and the session still works.",
    expected: everywhere(HOLDS),
  },
  {
    id: "X4",
    category: "csrf",
    title: "CORS does not reflect origins",
    statement: "No response grants another origin access: no reflected Access-Control-Allow-Origin, no Allow-Credentials.",
    sources: ["ASVS 5.0 3.4.2", "OWASP HTML5 Security Cheat Sheet"],
    test: "GET and OPTIONS with Origin http://evil.test: no Access-Control-Allow-Origin or -Credentials header.",
    expected: everywhere(HOLDS),
  },
  {
    id: "X6",
    category: "csrf",
    title: "No login CSRF",
    statement: "A cross-site page cannot sign the victim into the attacker's account.",
    sources: [CSRF_CS + " (login CSRF)", "ASVS 5.0 3.5.1"],
    test: "POST /login with the attacker's credentials and a foreign Origin → 403 csrf, no Set-Cookie (bearer variants: no cookie is set at all).",
    expected: cells(
      {
        stateful: HOLDS,
        cookie: HOLDS,
        jwt: holds("The token comes back in the body to the page that asked; no cookie is set, so the victim's browser holds nothing."),
        nextauth: HOLDS,
      },
      ALL_BASE,
    ),
  },
  {
    id: "X7",
    category: "csrf",
    title: "Auth.js's own endpoints get the same Origin check and body cap",
    statement: "/api/auth/* refuses state-changing requests from a foreign Origin and bodies over 16 KiB, like the app's routes.",
    sources: [CSRF_CS, "ASVS 5.0 3.5.1", "ASVS 5.0 4.3.2"],
    test: "POST /api/auth/callback/credentials and /api/auth/signout with Origin http://evil.test → 403; a 64 KiB body → 413.",
    dependsOnFix: "4 (Auth.js's own endpoints get the same limits as the app's)",
    expected: cells(
      {
        stateful: na("Auth.js's endpoints serve the nextauth variants only."),
        cookie: na("Auth.js's endpoints serve the nextauth variants only."),
        jwt: na("Auth.js's endpoints serve the nextauth variants only."),
        nextauth: HOLDS,
      },
      {
        "cookie-version": na("Auth.js's endpoints serve the nextauth variants only."),
        "jwt-denylist": na("Auth.js's endpoints serve the nextauth variants only."),
        "jwt-refresh": na("Auth.js's endpoints serve the nextauth variants only."),
        "nextauth-refresh": na(
          "/api/auth/* is built on the nextauth strategy's config only; this variant signs in through /api/nextauth-refresh.",
        ),
        "stateful-cache": na("Auth.js's endpoints serve the nextauth variants only."),
        "cookie-cache": na("Auth.js's endpoints serve the nextauth variants only."),
        "nextauth-lazy": na(
          "/api/auth/* is built on the nextauth strategy's config only; this variant signs in through /api/nextauth-lazy.",
        ),
      },
    ),
  },

  // ---------------------------------------------------------------- XSS
  {
    id: "X5",
    category: "xss",
    title: "An injected script cannot take the credential away",
    statement:
      "A script injected into the app's origin cannot read the session credential, so nothing it steals works after the victim signs out.",
    sources: [SESSION_CS, "ZAP client rule 120002", "ASVS 5.0 3.3.4"],
    disagreement:
      "Some guides accept browser storage for tokens with a strict CSP; OWASP's session and JWT cheat sheets advise against it, since any XSS reads it.",
    test: "Inject a script through the labelled vulnerable page; it reads document.cookie and localStorage and sends them to a listener; the victim signs out; a fresh context replays what was stolen, and the window is measured.",
    expected: Object.fromEntries(
      VARIANT_IDS.map((id) => {
        const reads = VARIANTS[id].pageScriptReads;
        const stolen = VARIANTS[id].expected["stolen-credential"];
        if (reads === null) return [id, holds(stolen.reason)];
        return [id, stolen.window === "none" ? holds(`${reads} ${stolen.reason}`) : fails(`${reads} ${stolen.reason}`)];
      }),
    ) as Record<VariantId, Outcome>,
  },

  // ---------------------------------------------------------------- handoff
  {
    id: "H1",
    category: "handoff",
    title: "Handoff token is single-use",
    statement: "A handoff token's jti is consumed atomically: a second exchange fails, and of two parallel exchanges exactly one succeeds.",
    sources: ["RFC 7519 §4.1.7", "ASVS 5.0 10.4.2"],
    test: "Exchange a token twice, and two fresh ones in parallel.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H2",
    category: "handoff",
    title: "Handoff token lives ≤ 60 s",
    statement: "exp − iat ≤ 60 s, and an expired token is refused.",
    sources: ["ASVS 5.0 10.4.3"],
    test: "Decode the token from the authorize redirect: exp − iat ≤ 60.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H3",
    category: "handoff",
    title: "Handoff token has its own aud, iss and typ",
    statement: "A session JWT presented at the exchange, or a handoff token used as a bearer, is refused.",
    sources: ["RFC 8725 §3.9", "RFC 8725 §3.12"],
    test: "A jwt session token at /api/handoff/exchange → refused; a handoff token as a bearer → 401.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H4",
    category: "handoff",
    title: "Post-exchange redirect on an exact allowlist",
    statement: "The `next` target of the handoff is a same-origin path; any other value falls back to the default page.",
    sources: ["ASVS 5.0 3.7.2", "OWASP Unvalidated Redirects and Forwards Cheat Sheet"],
    test: "next = https://evil.test, //evil.test, /\\evil.test, javascript:…: the redirect never leaves origin B.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H5",
    category: "handoff",
    title: "Handoff bound to the browser that started it",
    statement: "A handoff URL opened in another browser does not silently sign it in (login CSRF across domains).",
    sources: ["ASVS 5.0 10.1.2", "ASVS 5.0 7.6.2"],
    test: "Open a valid exchange URL from a fresh context: refused (handoff_unbound), no session.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H6",
    category: "handoff",
    title: "Handoff token leaves the URL at once",
    statement: "The exchange answers with a redirect to a clean URL, Referrer-Policy: no-referrer and no-store.",
    sources: ["ASVS 5.0 14.2.1", "ZAP 10025"],
    test: "The exchange response is a 303 to a URL without the token, with no-referrer and no-store.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H7",
    category: "handoff",
    title: "Handoff issues a new B session",
    statement: "A successful exchange replaces any B session cookie the browser held.",
    sources: ["ASVS 5.0 7.2.4"],
    test: "Plant a B cookie, complete a handoff: the cookie changes.",
    expected: HANDOFF_ONLY,
  },
  {
    id: "H8",
    category: "handoff",
    title: "Handoff key differs from session keys",
    statement: "Handoff tokens are signed with their own key: a session key cannot verify one, and vice versa.",
    sources: [JWT_CS, "RFC 8725 §3.12"],
    test: "A jwt session token re-typed as a handoff token (same key) is refused at the exchange; boot refuses HANDOFF_SECRET equal to a session key.",
    expected: HANDOFF_ONLY,
  },

  // ---------------------------------------------------------------- secrets
  {
    id: "K1",
    category: "secrets",
    title: "iron-session password rotation",
    statement:
      'With IRON_SESSION_PASSWORD as a map {"2": new, "1": old}, seals made with the old password still open and new seals use the newest.',
    sources: ["iron-session README (password rotation)", "ASVS 5.0 11.2.2"],
    test: "A second server configured with the rotation map accepts a seal issued by the first, and its own seals carry password id 2.",
    expected: cells(
      {
        stateful: na("No sealing password."),
        cookie: HOLDS,
        jwt: na("No sealing password (see K4)."),
        nextauth: na("Auth.js has its own AUTH_SECRET rotation (an array of secrets), not exercised here."),
      },
      { ...ALL_BASE, "jwt-refresh": na("No sealing password (see K4).") },
    ),
  },
  {
    id: "K2",
    category: "secrets",
    title: "No secret in the client bundle",
    statement: "No secret value appears in the built client files, and nothing secret is exposed through NEXT_PUBLIC_ variables.",
    sources: ["ASVS 5.0 13.3.1", "ASVS 5.0 14.2.2"],
    test: "Scan every file under .next/static for each secret in data/secrets.json; no NEXT_PUBLIC_ variable names a secret.",
    expected: everywhere(HOLDS),
  },
  {
    id: "K3",
    category: "secrets",
    title: "Weak or missing secrets refused at boot",
    statement: "Outside the demo, start-up stops with a clear message when a secret is missing or weak.",
    sources: ["RFC 8725 §3.5", "ASVS 5.0 13.3.1"],
    test: "Run `next start` with NODE_ENV=production and a short secret: it exits with a message naming the secret.",
    expected: everywhere(HOLDS),
  },
  {
    id: "K4",
    category: "secrets",
    title: "JWT key rotation by kid without signing everyone out",
    statement:
      'With JWT_SECRET as a map {"2": new, "1": old}, tokens name their key in `kid`; tokens signed with the old key stay valid until they expire, new ones use the newest, and an unknown kid is refused.',
    sources: ["RFC 7515 §4.1.4", "RFC 8725 §3.1", "ASVS 5.0 11.2.2"],
    test: "A second server configured with the rotation map accepts a token issued by the first (kid 1), issues kid 2, and refuses kid 3.",
    expected: cells(
      {
        stateful: na("No signing key."),
        cookie: na("Iron seals rotate by password id (K1)."),
        jwt: HOLDS,
        nextauth: na("Auth.js's JWE has no kid; AUTH_SECRET rotation is Auth.js's own."),
      },
      ALL_BASE,
    ),
  },

  // ---------------------------------------------------------------- proxy headers and input
  {
    id: "P1",
    category: "input",
    title: "Forwarded headers ignored unless TRUST_PROXY=1",
    statement:
      "With TRUST_PROXY=0, client-sent X-Forwarded-Proto/-Host change nothing: not the cookie names or Secure flag, not the Origin check, not redirects.",
    sources: ["ASVS 5.0 13.2.6", "Next.js req.url trusts X-Forwarded-Proto"],
    test: "Sign in with X-Forwarded-Proto: https and X-Forwarded-Host: evil.test: plain cookie name, no Secure; Origin https://evil.test still refused; a redirect stays on this host.",
    expected: everywhere(HOLDS),
  },
  {
    id: "P2",
    category: "input",
    title: "Hostile input is a 4xx JSON error, never a 500",
    statement: "Malformed JSON, wrong types, garbage and oversized cookies, tokens and headers get a 4xx `{error, code}`.",
    sources: ["ASVS 5.0 1.5.1", "ASVS 5.0 16.5.3"],
    test: "A battery of hostile requests on every endpoint of the variant: every answer is 4xx JSON with a documented code, no stack trace.",
    expected: everywhere(HOLDS),
  },
];

export const SECURITY_PROPERTY_IDS = SECURITY_PROPERTIES.map((p) => p.id);

/** Where the e2e/security suite's reporter writes what it observed (git-ignored), relative to the project root. */
export const SECURITY_RESULTS_FILE = "data/security-results.json";

const BY_ID = new Map(SECURITY_PROPERTIES.map((p) => [p.id, p]));

export function securityProperty(id: string): SecurityProperty {
  const p = BY_ID.get(id);
  if (!p) throw new Error(`Unknown security property ${id}`);
  return p;
}

export function expectedOutcome(id: string, variant: VariantId): Outcome {
  return securityProperty(id).expected[variant];
}

/** The variants on which a property has something to assert (not n/a). */
export function applicableVariants(id: string): VariantId[] {
  return VARIANT_IDS.filter((v) => expectedOutcome(id, v).outcome !== "n/a");
}
