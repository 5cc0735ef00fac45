import { hkdfSync } from "node:crypto";
import { readFileSync } from "node:fs";
import type { APIRequestContext, BrowserContext, Page } from "@playwright/test";
import { SignJWT, type JWTPayload } from "jose";
import { HANDOFF_ROUTES, HANDOFF_START_PAGE, PARTNER_HOME } from "../lib/handoff";
import { challengeFor, createHandoffTokens, HANDOFF_TOKEN_TYPE, KEY_INFO, KEY_SALT, newVerifier } from "../lib/server/handoff/tokens";
import { DEMO_PASSWORD, expect } from "./fixtures";

// Shared by the handoff specs: the two origins, the lab's keys (to forge
// tokens the app would never mint), and the handoff's hops done by hand.

/** A is the suite's base URL (localhost); B the same port on 127.0.0.1, as the app defaults them. */
export function origins(baseURL: string | undefined): { A: string; B: string } {
  const a = new URL(baseURL!);
  const b = new URL(baseURL!);
  b.hostname = "127.0.0.1";
  return { A: a.origin, B: b.origin };
}

/** The running app's keys: the environment's, else the demo secrets it generated into data/secrets.json. */
export function labSecrets(): { HANDOFF_SECRET: string; JWT_SECRET: string } {
  const file = () => JSON.parse(readFileSync("data/secrets.json", "utf8")) as Record<string, string>;
  return {
    HANDOFF_SECRET: process.env.HANDOFF_SECRET ?? file().HANDOFF_SECRET!,
    JWT_SECRET: process.env.JWT_SECRET ?? file().JWT_SECRET!,
  };
}

/** The app's own token module with the app's key: tokens exactly as A mints them (a forger who stole the key, or the test's control). */
export function labTokens(o: { A: string; B: string }) {
  return createHandoffTokens({ secret: labSecrets().HANDOFF_SECRET, issuer: o.A, audience: o.B });
}

/** Sign arbitrary claims with the handoff key (or another key), with the handoff's header unless told otherwise. */
export async function signWith(key: "handoff" | "logout" | "session", claims: JWTPayload, header: { alg?: string; typ?: string } = {}) {
  const secrets = labSecrets();
  // Raw bytes, so that any algorithm can be tried: the JWT_SECRET as the jwt strategy imports it, or a derived handoff key.
  const signingKey =
    key === "session"
      ? new TextEncoder().encode(secrets.JWT_SECRET)
      : new Uint8Array(hkdfSync("sha256", secrets.HANDOFF_SECRET, KEY_SALT, KEY_INFO[key], 32));
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: HANDOFF_TOKEN_TYPE, ...header }).sign(signingKey);
}

/** A fresh verifier and its challenge, as B's begin would make them. */
export function binding() {
  const verifier = newVerifier();
  return { verifier, challenge: challengeFor(verifier), cookie: `lab-handoff-verifier=${verifier}` };
}

export async function signInOnA(request: APIRequestContext, A: string, email: string): Promise<string> {
  const res = await request.post(`${A}/api/stateful/login`, { data: { email, password: DEMO_PASSWORD }, headers: { Origin: A } });
  expect(res.status()).toBe(200);
  return (await res.json()).user.id as string;
}

/**
 * Steps 1 and 2 by hand, with the browser context's own cookies (its A
 * session, and B's verifier, which lands in the same jar): the exchange URL A
 * sends the browser to, and the verifier B bound it to. Nothing is exchanged yet.
 */
export async function exchangeUrl(
  context: BrowserContext,
  o: { A: string; B: string },
  options: { next?: string; ttl?: number } = {},
): Promise<{ url: string; token: string; verifier: string }> {
  const query = new URLSearchParams({ next: options.next ?? PARTNER_HOME, ...(options.ttl ? { ttl: String(options.ttl) } : {}) });
  const begin = await context.request.get(`${o.B}${HANDOFF_ROUTES.begin}?${query}`, { maxRedirects: 0 });
  expect(begin.status()).toBe(303);
  const authorize = await context.request.get(begin.headers()["location"]!, { maxRedirects: 0 });
  expect(authorize.status()).toBe(303);
  const url = authorize.headers()["location"]!;
  expect(url.startsWith(`${o.B}${HANDOFF_ROUTES.exchange}?`)).toBe(true);
  const verifier = (await context.cookies(o.B)).find((c) => c.name === "lab-handoff-verifier")!.value;
  return { url, token: new URL(url).searchParams.get("token")!, verifier };
}

/** The whole flow in the browser, as a user does it: A's handoff page, "Continue to partner app", landing on B. */
export async function handOverInBrowser(page: Page, o: { A: string; B: string }) {
  await page.goto(`${o.A}${HANDOFF_START_PAGE}`);
  await page.getByTestId("continue-to-partner").click();
  await page.waitForURL(`${o.B}${PARTNER_HOME}`);
  await expect(page.getByTestId("partner-user")).toBeVisible();
}

export async function partnerCookie(context: BrowserContext, B: string): Promise<string | undefined> {
  return (await context.cookies(B)).find((c) => c.name === "lab-partner")?.value;
}
