import { hkdfSync, webcrypto } from "node:crypto";
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { generateSecret } from "@/lib/server/env";
import { memoryContext } from "@/lib/server/http/credential-context";
import {
  BACKCHANNEL_LOGOUT_EVENT,
  challengeFor,
  createHandoffTokens,
  HANDOFF_TOKEN_TYPE,
  KEY_INFO,
  KEY_SALT,
  LOGOUT_TOKEN_TYPE,
  newVerifier,
} from "@/lib/server/handoff/tokens";
import { createJwtStrategy, JWT_TYPE } from "@/lib/server/strategies/jwt";
import { fakeClock, fakeVerify } from "../support/fake-clock";

const A = "http://localhost:3000";
const B = "http://127.0.0.1:3000";
const HANDOFF_SECRET = generateSecret();
const JWT_SECRET = generateSecret();

function setup() {
  const clock = fakeClock(Date.UTC(2026, 5, 1));
  return { clock, tokens: createHandoffTokens({ secret: HANDOFF_SECRET, issuer: A, audience: B, clock }) };
}

const who = () => ({ sub: "user-1", name: "Alice", sid: "sid-0123456789abcdef", challenge: challengeFor(newVerifier()) });

/** The raw bytes of a derived key, to sign tokens the module would never sign. */
const keyBytes = (kind: keyof typeof KEY_INFO) => new Uint8Array(hkdfSync("sha256", HANDOFF_SECRET, KEY_SALT, KEY_INFO[kind], 32));

async function forge(claims: JWTPayload, header: { alg?: string; typ?: string } = {}, key: Uint8Array = keyBytes("handoff")) {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: HANDOFF_TOKEN_TYPE, ...header }).sign(key);
}

/** Valid handoff claims at the clock's now, as the module would mint them. */
function claimsAt(clock: { now(): number }, extra: JWTPayload = {}): JWTPayload {
  const iat = Math.floor(clock.now() / 1000);
  return { ...who(), jti: "jti-0123456789abcdef", iat, exp: iat + 60, iss: A, aud: B, ...extra };
}

describe("handoff token", () => {
  it("carries its own typ, iss A, aud B, a fresh jti and lives 60 s at most", async () => {
    const { tokens } = setup();
    const { token, claims } = await tokens.mintHandoff(who());
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "handoff+jwt" });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({ iss: A, aud: B, sub: "user-1", name: "Alice", sid: "sid-0123456789abcdef" });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await tokens.mintHandoff(who())).claims.jti).not.toBe(claims.jti);
    expect(await tokens.verifyHandoff(token)).toEqual({ ok: true, claims });
    // Shorter on request, never longer.
    expect(decodeJwt((await tokens.mintHandoff({ ...who(), ttlSeconds: 5 })).token)).toMatchObject({ exp: claims.iat + 5 });
    for (const ttlSeconds of [0, 61, 3600, 1.5]) await expect(tokens.mintHandoff({ ...who(), ttlSeconds })).rejects.toThrow(RangeError);
  });

  it("expires: accepted up to exp plus 5 s of clock tolerance, refused as expired after", async () => {
    const { tokens, clock } = setup();
    const { token } = await tokens.mintHandoff(who());
    clock.advance(64);
    expect((await tokens.verifyHandoff(token)).ok).toBe(true);
    clock.advance(2);
    expect(await tokens.verifyHandoff(token)).toEqual({ ok: false, reason: "expired" });
  });

  it("is refused for another audience or issuer, or with an audience list", async () => {
    const { tokens, clock } = setup();
    const { token } = await tokens.mintHandoff(who());
    const elsewhere = createHandoffTokens({ secret: HANDOFF_SECRET, issuer: A, audience: "http://evil.test", clock });
    expect(await elsewhere.verifyHandoff(token)).toEqual({ ok: false, reason: "invalid" });
    const otherIssuer = createHandoffTokens({ secret: HANDOFF_SECRET, issuer: "http://evil.test", audience: B, clock });
    expect(await otherIssuer.verifyHandoff(token)).toEqual({ ok: false, reason: "invalid" });
    expect((await tokens.verifyHandoff(await forge(claimsAt(clock)))).ok).toBe(true); // the forger's control: right claims pass
    for (const extra of [{ aud: "http://evil.test" }, { iss: "http://evil.test" }, { aud: [B, "http://evil.test"] }, { aud: [B] }]) {
      expect(await tokens.verifyHandoff(await forge(claimsAt(clock, extra)))).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("is refused with another typ, algorithm, no signature, an edited payload, or odd claims", async () => {
    const { tokens, clock } = setup();
    for (const typ of [JWT_TYPE, "JWT", LOGOUT_TOKEN_TYPE, "application/session+jwt"]) {
      expect(await tokens.verifyHandoff(await forge(claimsAt(clock), { typ }))).toEqual({ ok: false, reason: "invalid" });
    }
    // typ is a media type (RFC 7515 §4.1.9): case-insensitive, "application/" optional.
    for (const typ of ["HANDOFF+JWT", "application/handoff+jwt"])
      expect((await tokens.verifyHandoff(await forge(claimsAt(clock), { typ }))).ok).toBe(true);
    expect((await tokens.verifyHandoff(await forge(claimsAt(clock), { alg: "HS512" }))).ok).toBe(false);
    const good = (await tokens.mintHandoff(who())).token;
    const [header, payload, signature] = good.split(".");
    const none = `${Buffer.from(JSON.stringify({ alg: "none", typ: HANDOFF_TOKEN_TYPE })).toString("base64url")}.${payload}.`;
    expect(await tokens.verifyHandoff(none)).toEqual({ ok: false, reason: "malformed" });
    const edited = Buffer.from(JSON.stringify({ ...decodeJwt(good), sub: "user-2" })).toString("base64url");
    expect(await tokens.verifyHandoff(`${header}.${edited}.${signature}`)).toEqual({ ok: false, reason: "invalid" });
    for (const garbage of [undefined, null, 42, "", "abc", "a.b.c", "a.b", `${good}.x`, "x".repeat(5000), `${good}\u0000`]) {
      expect((await tokens.verifyHandoff(garbage)).ok).toBe(false);
    }
    for (const extra of [
      { challenge: "short" },
      { name: "Al\u0000ice" },
      { name: "Al\u0007ice" },
      { sub: "../x" },
      { exp: Math.floor(clock.now() / 1000) + 3600 }, // lives longer than 60 s
      { iat: Math.floor(clock.now() / 1000) + 30, exp: Math.floor(clock.now() / 1000) + 60 }, // issued in the future
      { jti: undefined },
    ]) {
      expect(await tokens.verifyHandoff(await forge(claimsAt(clock, extra)))).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("binds to a browser as PKCE S256 does (RFC 7636 appendix B)", () => {
    expect(challengeFor("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    expect(newVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newVerifier()).not.toBe(newVerifier());
  });
});

describe("key separation (RFC 8725 §3.12)", () => {
  const sessionKey = () =>
    webcrypto.subtle.importKey("raw", Buffer.from(JWT_SECRET, "utf8"), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);

  it("a session key cannot verify a handoff token, nor forge one", async () => {
    const { tokens, clock } = setup();
    const { token } = await tokens.mintHandoff(who());
    await expect(jwtVerify(token, await sessionKey())).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    const forged = await new SignJWT(claimsAt(clock))
      .setProtectedHeader({ alg: "HS256", typ: HANDOFF_TOKEN_TYPE })
      .sign(await sessionKey());
    expect(await tokens.verifyHandoff(forged)).toEqual({ ok: false, reason: "invalid" });
  });

  it("the handoff key cannot make a session token, and a handoff token is no session", async () => {
    const { tokens, clock } = setup();
    const jwt = createJwtStrategy({ clock, ttlSeconds: 900, secret: JWT_SECRET, verifyCredentials: fakeVerify });
    const signedIn = await jwt.signIn({ email: "alice@example.com", password: "right-password" }, memoryContext());
    if (!signedIn.ok || !signedIn.token) throw new Error("sign-in failed");
    expect((await jwt.verify(signedIn.token)).session).not.toBeNull(); // control
    // The same session claims and header, signed with the handoff key: refused.
    const reSigned = await new SignJWT(decodeJwt(signedIn.token))
      .setProtectedHeader(decodeProtectedHeader(signedIn.token) as never)
      .sign(keyBytes("handoff"));
    expect((await jwt.verify(reSigned)).session).toBeNull();
    expect((await jwt.verify((await tokens.mintHandoff(who())).token)).session).toBeNull();
    expect(await tokens.verifyHandoff(signedIn.token)).toEqual({ ok: false, reason: "invalid" });
  });

  it("handoff and logout tokens have different keys and types: neither passes for the other", async () => {
    const { tokens, clock } = setup();
    const handoffToken = (await tokens.mintHandoff(who())).token;
    const logoutToken = (await tokens.mintLogout({ sub: "user-1", sid: "sid-0123456789abcdef" })).token;
    expect(await tokens.verifyLogout(handoffToken)).toEqual({ ok: false, reason: "invalid" });
    expect(await tokens.verifyHandoff(logoutToken)).toEqual({ ok: false, reason: "invalid" });
    // Right typ, wrong kind's key.
    const logoutClaims = decodeJwt(logoutToken);
    expect(await tokens.verifyLogout(await forge(logoutClaims, { typ: LOGOUT_TOKEN_TYPE }, keyBytes("handoff")))).toEqual({
      ok: false,
      reason: "invalid",
    });
    expect((await tokens.verifyLogout(await forge(logoutClaims, { typ: LOGOUT_TOKEN_TYPE }, keyBytes("logout")))).ok).toBe(true);
    expect(await tokens.verifyHandoff(await forge(claimsAt(clock), {}, keyBytes("logout")))).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("logout token (OIDC Back-Channel Logout 1.0 §2.4)", () => {
  it("has typ logout+jwt, iss A, aud B, iat, exp, jti, the events claim, and sub and/or sid", async () => {
    const { tokens } = setup();
    const { token, claims } = await tokens.mintLogout({ sub: "user-1", sid: "sid-0123456789abcdef" });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "logout+jwt" });
    expect(decodeJwt(token)).toMatchObject({
      iss: A,
      aud: B,
      sub: "user-1",
      sid: "sid-0123456789abcdef",
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    });
    expect(decodeJwt(token)).not.toHaveProperty("nonce");
    expect(await tokens.verifyLogout(token)).toEqual({ ok: true, claims });
    const subOnly = await tokens.mintLogout({ sub: "user-1" });
    expect(decodeJwt(subOnly.token)).not.toHaveProperty("sid");
    expect((await tokens.verifyLogout(subOnly.token)).ok).toBe(true);
  });

  it("is refused without events, with a nonce, naming nobody, living long, or expired", async () => {
    const { tokens, clock } = setup();
    const iat = Math.floor(clock.now() / 1000);
    const base = {
      iss: A,
      aud: B,
      sub: "user-1",
      jti: "jti-0123456789abcdef",
      iat,
      exp: iat + 120,
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    };
    const sign = (claims: JWTPayload) => forge(claims, { typ: LOGOUT_TOKEN_TYPE }, keyBytes("logout"));
    expect((await tokens.verifyLogout(await sign(base))).ok).toBe(true); // control
    for (const claims of [
      { ...base, events: undefined },
      { ...base, events: { "http://example.com/other": {} } },
      { ...base, events: { [BACKCHANNEL_LOGOUT_EVENT]: "yes" } },
      { ...base, nonce: "n-0S6_WzA2Mj" },
      { ...base, sub: undefined },
      { ...base, exp: iat + 3600 },
      { ...base, aud: "http://evil.test" },
    ]) {
      expect(await tokens.verifyLogout(await sign(claims))).toEqual({ ok: false, reason: "invalid" });
    }
    clock.advance(126);
    expect(await tokens.verifyLogout(await sign(base))).toEqual({ ok: false, reason: "expired" });
  });
});
