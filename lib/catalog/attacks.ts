import { applicableVariants, expectedOutcome, securityProperty, type Outcome } from "./security-properties";
import { VARIANTS, type VariantId } from "./variants";

// The attack lab's attacks (/lab/attacks, POST /api/lab/attacks). Client-safe. Each attack tests one
// property of the security catalog, so its verdict is judged against that property's expected outcome for
// the chosen variant: the attack is "refused" when the property holds. The server side that fires them is
// lib/server/lab/attacks.ts; the Playwright suite in e2e/security/ asserts the same properties in depth.

export const ATTACK_IDS = [
  "forged-credential",
  "credential-in-url",
  "replay-after-sign-out",
  "payload-edited",
  "alg-none",
  "algorithm-swap",
  "embedded-jwk",
  "kid-injection",
  "es256-zero-signature",
  "expired-token",
  "foreign-origin",
  "login-csrf",
  "get-mutation",
  "cors-reflection",
  "forwarded-headers",
  "hostile-json",
] as const;
export type AttackId = (typeof ATTACK_IDS)[number];

export function isAttackId(value: unknown): value is AttackId {
  return typeof value === "string" && (ATTACK_IDS as readonly string[]).includes(value);
}

export interface AttackInfo {
  id: AttackId;
  label: string;
  /** The catalog property it tests. */
  property: string;
  /** What is sent, in one sentence. */
  sends: string;
  /** Variants it can be fired at (where the property applies and the attack has a form for it). */
  variants: VariantId[];
}

const isJwtFamily = (v: VariantId) => VARIANTS[v].transport === "bearer" || VARIANTS[v].base === "nextauth";
const joseOnly = (v: VariantId) => VARIANTS[v].transport === "bearer";

function attack(id: AttackId, label: string, property: string, sends: string, only: (v: VariantId) => boolean = () => true): AttackInfo {
  return { id, label, property, sends, variants: applicableVariants(property).filter(only) };
}

export const ATTACKS: Record<AttackId, AttackInfo> = {
  "forged-credential": attack(
    "forged-credential",
    "A credential the server never issued",
    "L2",
    "GET /me with 32 random bytes in the credential's slot.",
  ),
  "credential-in-url": attack(
    "credential-in-url",
    "A valid credential in the URL",
    "C6",
    "GET /me?token=<a valid credential>, with no cookie or Authorization header.",
  ),
  "replay-after-sign-out": attack(
    "replay-after-sign-out",
    "Replay a copy after sign-out",
    "R1",
    "Sign in, copy the credential, sign out, then GET /me with the copy.",
  ),
  "payload-edited": attack(
    "payload-edited",
    "Payload edited to role admin",
    "J1",
    "The token's payload changed to role: admin, its signature (or ciphertext) left as is.",
    isJwtFamily,
  ),
  "alg-none": attack("alg-none", "alg: none", "J2", 'The token re-made with header {"alg":"none"} and an empty signature.', isJwtFamily),
  "algorithm-swap": attack(
    "algorithm-swap",
    "Re-signed with HS512 and the real key",
    "J3",
    "The same claims signed with the server's own key, but with HS512 (jose) or as a JWS (Auth.js).",
    isJwtFamily,
  ),
  "embedded-jwk": attack(
    "embedded-jwk",
    "Attacker key embedded as jwk",
    "J5",
    "Claims with role: admin, signed with a fresh key that the header carries as jwk.",
    isJwtFamily,
  ),
  "kid-injection": attack(
    "kid-injection",
    "kid path traversal",
    "J7",
    'Header kid "../../../../dev/null", signed with an empty key (what /dev/null would give).',
    joseOnly,
  ),
  "es256-zero-signature": attack(
    "es256-zero-signature",
    "ES256 all-zero signature (CVE-2022-21449)",
    "J8",
    "Header alg ES256 and a signature of 64 zero bytes.",
    isJwtFamily,
  ),
  "expired-token": attack(
    "expired-token",
    "Expired a minute ago, correctly signed",
    "J9",
    "The genuine claims with exp one minute in the past, signed with the server's own key.",
    joseOnly,
  ),
  "foreign-origin": attack(
    "foreign-origin",
    "Cross-site rename (CSRF)",
    "X2",
    'PATCH /profile {"name":"Pwned"} with Origin: http://evil.test and only what a browser attaches by itself (cookies).',
  ),
  "login-csrf": attack("login-csrf", "Login CSRF", "X6", "POST /login with the attacker's own account and Origin: http://evil.test."),
  "get-mutation": attack("get-mutation", "Sign-out by GET", "X3", "GET /logout with the credential, then GET /me."),
  "cors-reflection": attack(
    "cors-reflection",
    "CORS origin reflection",
    "X4",
    "GET /me with Origin: http://evil.test; look for Access-Control-Allow-*.",
  ),
  "forwarded-headers": attack(
    "forwarded-headers",
    "Spoofed X-Forwarded-Proto/-Host",
    "P1",
    "Sign in with X-Forwarded-Proto: https and X-Forwarded-Host: evil.test (TRUST_PROXY=0).",
  ),
  "hostile-json": attack(
    "hostile-json",
    "Malformed and oversized JSON",
    "P2",
    "POST /login with truncated JSON, wrong types and a 20 KB body.",
  ),
};

/** What the catalog expects of an attack on a variant: refused (the property holds) or succeeding by design. */
export function attackExpectation(id: AttackId, variant: VariantId) {
  const a = ATTACKS[id];
  return { property: securityProperty(a.property), outcome: expectedOutcome(a.property, variant) };
}

/** One HTTP exchange of an attack, as sent and as received (shown on /lab/attacks). */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

export interface AttackResult {
  attack: AttackId;
  variant: VariantId;
  property: { id: string; title: string; sources: string[] };
  expected: Outcome;
  /** The attack was refused: the property was observed to hold. */
  refused: boolean;
  observed: "holds" | "fails";
  /** Observed as the catalog expects (a fails-by-design cell is "as expected" when the attack succeeds). */
  asExpected: boolean;
  explanation: string;
  exchanges: Exchange[];
  ms: number;
}
