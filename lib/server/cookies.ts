import type { CookieWrite, CredentialContext } from "@/lib/server/http/credential-context";

/**
 * The one place that decides session cookie attributes (Auth.js sets its own,
 * with the same policy). HttpOnly so page scripts cannot read it; SameSite=Lax
 * as a second CSRF layer; Path=/ and no Domain. Over https the cookie is also
 * Secure and gets the `__Host-` prefix, which the browser only accepts with
 * Secure, Path=/ and no Domain. Plain http (the local demo) cannot use either.
 */
export function sessionCookieName(ctx: Pick<CredentialContext, "secure">, base: string): string {
  return ctx.secure ? `__Host-${base}` : base;
}

export function sessionCookie(
  ctx: Pick<CredentialContext, "secure">,
  base: string,
  value: string,
  expiresAt: Date,
  now: number,
): CookieWrite {
  return {
    name: sessionCookieName(ctx, base),
    value,
    httpOnly: true,
    secure: ctx.secure,
    sameSite: "lax",
    path: "/",
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - now) / 1000)),
  };
}

export function clearedSessionCookie(ctx: Pick<CredentialContext, "secure">, base: string): CookieWrite {
  return {
    name: sessionCookieName(ctx, base),
    value: "",
    httpOnly: true,
    secure: ctx.secure,
    sameSite: "lax",
    path: "/",
    maxAge: 0,
  };
}

/** Bytes a `name=value` cookie pair adds to every request's Cookie header. */
export function cookiePairBytes(name: string, value: string): number {
  return Buffer.byteLength(`${name}=${value}`);
}

/** Largest cookie value we will even try to parse: browsers cap a cookie at 4096 bytes. */
export const MAX_COOKIE_VALUE_BYTES = 4096;
