import { randomBytes, timingSafeEqual } from "node:crypto";
import type { NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { HANDOFF_MAX_TTL_SECONDS, HANDOFF_ROUTES, HANDOFF_START_PAGE, partnerReturnPath } from "@/lib/handoff";
import { describeSessionCookie, expiredCookieWrite, PARTNER_COOKIES, sessionCookieWrite } from "@/lib/server/cookies";
import * as rows from "@/lib/server/data/handoff";
import type { CredentialContext } from "@/lib/server/http/credential-context";
import { ApiError } from "@/lib/server/http/route";
import { getStrategy } from "@/lib/server/strategies";
import { loginPath } from "@/lib/paths";
import { seeOther } from "./http";
import { handoff, purgeHandoffRowsNow } from "./index";
import { BASE64URL_256, challengeFor, HANDOFF_CLOCK_TOLERANCE_SECONDS, newVerifier, type TokenFailure } from "./tokens";

// The three hops of a handoff (docs/handoff.md has the sequence diagram):
//
//   1. B  /api/handoff/begin      sets a random verifier in B's cookie, sends the browser to A
//                                 with the verifier's SHA-256 (the challenge), as PKCE does;
//   2. A  /api/handoff/authorize  checks A's session, mints the handoff token (typ handoff+jwt,
//                                 iss A, aud B, ≤ 60 s, jti recorded, challenge inside), and
//                                 sends the browser to B's exchange with the token in the query;
//   3. B  /api/handoff/exchange   verifies the token, checks that this browser holds the
//                                 verifier, consumes the jti atomically, starts B's own session,
//                                 and answers 303 to a clean, allowlisted URL.
//
// Why bind to the browser (login CSRF): a handoff URL sent to someone else
// must not sign their browser in as the sender. Only the browser that went
// through step 1 holds the verifier, and the URL carries only its hash, so a
// copied URL (from a log, a Referer, a chat) is useless elsewhere, with no
// extra click for the user. A confirmation page would also stop it, but asks
// every user to click, and users click through.

/** How long a started handoff may take to come back to B, seconds. */
const VERIFIER_TTL_SECONDS = 300;

const nextParam = z.string().max(512).optional();
const ttlParam = z
  .string()
  .regex(/^\d{1,2}$/)
  .transform(Number)
  .refine((n) => n >= 1 && n <= HANDOFF_MAX_TTL_SECONDS)
  .optional();

/** Single-valued query parameters, validated; a repeated parameter is ambiguous and refused. */
function query<S extends z.ZodRawShape>(req: NextRequest, shape: S): z.infer<z.ZodObject<S>> {
  const params = req.nextUrl.searchParams;
  const values: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const all = params.getAll(key);
    if (all.length > 1) throw new ApiError("handoff_invalid", `The handoff's "${key}" parameter is repeated.`);
    if (all.length === 1) values[key] = all[0]!;
  }
  const parsed = z.object(shape).safeParse(values);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || "query";
    throw new ApiError("handoff_invalid", `The handoff's "${field}" parameter is missing or malformed.`);
  }
  return parsed.data;
}

/** Step 1, on B. */
export async function begin(req: NextRequest, ctx: CredentialContext): Promise<NextResponse> {
  const { next, ttl } = query(req, { next: nextParam, ttl: ttlParam });
  const { origins, clock } = handoff();
  const verifier = newVerifier();
  const now = clock.now();
  ctx.setCookie(
    sessionCookieWrite(describeSessionCookie(ctx, PARTNER_COOKIES.verifier), verifier, new Date(now + VERIFIER_TTL_SECONDS * 1000), now),
  );
  const url = new URL(HANDOFF_ROUTES.authorize, origins.a);
  url.searchParams.set("challenge", challengeFor(verifier));
  url.searchParams.set("next", partnerReturnPath(next));
  if (ttl) url.searchParams.set("ttl", String(ttl));
  return seeOther(url.toString());
}

/** Step 2, on A. GET, as an OAuth authorization endpoint is: it is reached by a redirect from B. */
export async function authorize(req: NextRequest, ctx: CredentialContext): Promise<NextResponse> {
  const { challenge, next, ttl } = query(req, { challenge: z.string().regex(BASE64URL_256), next: nextParam, ttl: ttlParam });
  const { origins, tokens, clock, grantRetentionSeconds } = handoff();
  const { session, user } = await getStrategy("stateful").validate(ctx);
  // Not signed in on A: sign in, then start again from A's handoff page (the challenge is not carried through sign-in).
  if (!session) return seeOther(new URL(loginPath("stateful", HANDOFF_START_PAGE), origins.a).toString());
  const sid = randomBytes(16).toString("base64url");
  const { token, claims } = await tokens.mintHandoff({ sub: user.id, name: user.name, sid, challenge, ttlSeconds: ttl });
  await rows.recordHandoffGrant({
    jti: claims.jti,
    sid,
    userId: user.id,
    sessionId: session.id!,
    createdAt: new Date(claims.iat * 1000),
    expiresAt: new Date(claims.exp * 1000),
    retainUntil: new Date(clock.now() + grantRetentionSeconds * 1000),
  });
  await purgeHandoffRowsNow();
  const url = new URL(HANDOFF_ROUTES.exchange, origins.b);
  url.searchParams.set("token", token);
  url.searchParams.set("next", partnerReturnPath(next));
  return seeOther(url.toString());
}

const FAILURES: Record<TokenFailure, [code: "handoff_invalid" | "handoff_expired", message: string]> = {
  malformed: ["handoff_invalid", "The sign-in link's token is malformed."],
  invalid: [
    "handoff_invalid",
    "The sign-in link's token was not issued for this partner app by the main app (signature, issuer, audience or type).",
  ],
  expired: ["handoff_expired", `The sign-in link has expired: links last at most ${HANDOFF_MAX_TTL_SECONDS} seconds.`],
};

/** Step 3, on B. */
export async function exchange(req: NextRequest, ctx: CredentialContext): Promise<NextResponse> {
  const { token, next } = query(req, { token: z.string().min(1).max(4096), next: nextParam });
  const { origins, tokens, partner } = handoff();
  const verified = await tokens.verifyHandoff(token);
  if (!verified.ok) throw new ApiError(...FAILURES[verified.reason]);
  const { claims } = verified;

  // Bound to this browser? Checked before the jti is spent, so a copied URL
  // tried elsewhere (or fetched by a link scanner) cannot burn the real user's link.
  const verifierCookie = describeSessionCookie(ctx, PARTNER_COOKIES.verifier);
  const verifier = ctx.cookie(verifierCookie.name);
  if (!verifier || !BASE64URL_256.test(verifier) || !sameString(challengeFor(verifier), claims.challenge)) {
    throw new ApiError(
      "handoff_unbound",
      "This sign-in link was started in another browser (or this browser's handoff cookie expired), so it cannot sign this browser in. Start the handoff again from the main app.",
    );
  }

  const keepUntil = new Date((claims.exp + HANDOFF_CLOCK_TOLERANCE_SECONDS) * 1000);
  if (!(await rows.spendTokenId(claims.jti, "handoff", keepUntil))) {
    throw new ApiError(
      "handoff_replayed",
      "This sign-in link was already used; each works once. Start the handoff again from the main app.",
    );
  }
  const started = await partner.start(ctx, { userId: claims.sub, name: claims.name, sid: claims.sid });
  if (!started) throw new ApiError("handoff_invalid", "The account this sign-in link names no longer exists.");
  ctx.setCookie(expiredCookieWrite(verifierCookie));
  return seeOther(new URL(partnerReturnPath(next), origins.b).toString());
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
