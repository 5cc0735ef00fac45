import { existsSync, readFileSync } from "node:fs";
import type { APIRequestContext, APIResponse, PlaywrightWorkerArgs, TestInfo } from "@playwright/test";

type Playwright = PlaywrightWorkerArgs["playwright"];
import { expectedOutcome, securityProperty } from "../../lib/catalog/security-properties";
import { MATRIX_PROFILE_HEADER, MATRIX_PROFILE_VALUE } from "../../lib/catalog/lifetimes";
import { VARIANTS, type VariantId } from "../../lib/catalog/variants";
import { ERROR_CODES } from "../../lib/api-errors";
import { possibleSessionCookieNames, SESSION_COOKIES } from "../../lib/server/cookies";
import { test as base, expect } from "../fixtures";

// Shared by the security suite: the verdict (observed vs the catalog), throwaway accounts, signed-in
// clients of any variant and their raw credentials. Every test names the properties it asserts as
// `[ID]` in its title; tests/unit/security-catalog.test.ts checks that every catalog id is asserted.

export { expect };
export const test = base;

/** SECURITY_BASE_URL points the suite at another deployment: then nothing local (database, secrets, build) is read. */
export const REMOTE = !!process.env.SECURITY_BASE_URL;
export const LOCAL_ONLY = "needs the local build, database or secrets (not available with SECURITY_BASE_URL)";

export const ANNOTATION = "security-verdict";

export interface Verdict {
  property: string;
  variant: VariantId;
  expected: string;
  observed: "holds" | "fails";
  detail: string;
}

/**
 * Records what was observed for one catalog cell and asserts it against the catalog: a cell that holds must be
 * observed to hold, a fails-by-design cell must be observed to FAIL (the weakness is documented, never skipped).
 * Soft, so that one test can judge several cells. The reporter (./reporter.ts) writes these to data/.
 */
export function verdict(info: TestInfo, property: string, variant: VariantId, observedHolds: boolean, detail: string): void {
  const cell = expectedOutcome(property, variant);
  if (cell.outcome === "n/a") throw new Error(`${property}/${variant} is n/a in the catalog: nothing to assert`);
  const v: Verdict = { property, variant, expected: cell.outcome, observed: observedHolds ? "holds" : "fails", detail };
  info.annotations.push({ type: ANNOTATION, description: JSON.stringify(v) });
  const title = `${property} ${securityProperty(property).title} on ${variant}: ${detail}`;
  expect.soft(observedHolds, `${title} (expected: ${cell.outcome})`).toBe(cell.outcome === "holds");
}

export function applies(property: string, variant: VariantId): boolean {
  return expectedOutcome(property, variant).outcome !== "n/a";
}

/** Raw Set-Cookie lines of a response. */
export function setCookies(res: APIResponse): string[] {
  return res
    .headersArray()
    .filter((h) => h.name.toLowerCase() === "set-cookie")
    .map((h) => h.value);
}

/** The session cookie names of a variant over http and https (chunks included). */
export function sessionCookieNames(variant: VariantId): string[] {
  const spec = (SESSION_COOKIES as Record<string, { base: string; securePrefix: "__Host-" | "__Secure-"; chunked?: boolean }>)[variant];
  return spec ? possibleSessionCookieNames(spec).flatMap((n) => [n, ...[1, 2, 3].map((i) => `${n}.${i}`)]) : [];
}

export const cookieName = (line: string) => line.slice(0, line.indexOf("="));
export const cookieValue = (line: string) => line.slice(line.indexOf("=") + 1).split(";")[0]!;
export const attribute = (line: string, name: string) =>
  line
    .split(";")
    .slice(1)
    .map((a) => a.trim())
    .find((a) => a.toLowerCase().split("=")[0] === name.toLowerCase());

/** The session cookie lines a response set for a variant (live ones, not deletions). */
export function sessionSetCookies(res: APIResponse, variant: VariantId): string[] {
  const names = new Set(sessionCookieNames(variant));
  return setCookies(res).filter((l) => names.has(cookieName(l)) && cookieValue(l) !== "");
}

/** A credential as a replaying attacker holds it: request headers, nothing else. */
export interface Credential {
  headers: Record<string, string>;
}

export interface Client {
  variant: VariantId;
  api: APIRequestContext;
  /** Headers every request needs (Origin; Authorization for bearer variants). */
  headers: Record<string, string>;
  login: APIResponse;
  body: { token?: string; user: { id: string; name: string; role: string } };
}

export interface Account {
  id: string;
  email: string;
  password: string;
  role: "admin" | "member";
  name: string;
}

/** Throwaway accounts (a lease of the comparison lab's own scope), deleted again by release(). */
export async function leaseAccounts(
  playwright: Playwright,
  baseURL: string,
  counts: { members: number; admins: number },
): Promise<{ accounts: Account[]; members: Account[]; admins: Account[]; release: () => Promise<void> }> {
  const origin = new URL(baseURL).origin;
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Origin: origin } });
  const res = await api.post("/api/compare/leases", { data: counts });
  expect(res.status(), await res.text()).toBe(201);
  const { lease, accounts } = (await res.json()) as { lease: { id: string; token: string }; accounts: Account[] };
  return {
    accounts,
    members: accounts.filter((a) => a.role === "member"),
    admins: accounts.filter((a) => a.role === "admin"),
    release: async () => {
      await api.delete(`/api/compare/leases/${lease.id}`, { headers: { "X-Lease-Token": lease.token } });
      await api.dispose();
    },
  };
}

/** Signs in through the JSON API; `matrix` asks for the short comparison lifetimes. */
export async function signIn(
  playwright: Playwright,
  baseURL: string,
  variant: VariantId,
  account: { email: string; password: string },
  options: { matrix?: boolean; headers?: Record<string, string> } = {},
): Promise<Client> {
  const origin = new URL(baseURL).origin;
  const extra: Record<string, string> = { Origin: origin, ...(options.matrix ? { [MATRIX_PROFILE_HEADER]: MATRIX_PROFILE_VALUE } : {}) };
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: extra });
  const login = await api.post(`/api/${variant}/login`, {
    data: { email: account.email, password: account.password },
    headers: options.headers,
  });
  expect(login.status(), `sign-in to ${variant}: ${await login.text()}`).toBe(200);
  const body = await login.json();
  const headers: Record<string, string> = body.token ? { Authorization: `Bearer ${body.token}` } : {};
  return { variant, api, headers, login, body };
}

/** What an attacker would copy: the cookie header of the variant's session cookies, or the bearer header. */
export async function credentialOf(client: Client): Promise<Credential> {
  if (VARIANTS[client.variant].transport === "bearer") return { headers: { ...client.headers } };
  const names = new Set(sessionCookieNames(client.variant));
  const cookies = (await client.api.storageState()).cookies.filter((c) => names.has(c.name));
  expect(cookies.length, `a session cookie for ${client.variant}`).toBeGreaterThan(0);
  return { headers: { Cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } };
}

/**
 * GET /me with only this credential, from a fresh context (no cookie jar): the attacker's replay. The context
 * stays open so the response can still be read; Playwright closes it with the worker.
 */
export async function replay(playwright: Playwright, baseURL: string, variant: VariantId, credential: Credential): Promise<APIResponse> {
  const api = await playwright.request.newContext({ baseURL });
  return api.get(`/api/${variant}/me`, { headers: credential.headers });
}

/** `{error, code}` with a documented code, and no stack trace or secret in the body. */
export async function expectCleanError(res: APIResponse, status?: number): Promise<{ error: string; code: string }> {
  if (status !== undefined) expect(res.status()).toBe(status);
  expect(res.status()).toBeGreaterThanOrEqual(400);
  expect(res.status()).toBeLessThan(500);
  expect(res.headers()["content-type"] ?? "").toContain("application/json");
  const text = await res.text();
  expect(text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|Error:/);
  const body = JSON.parse(text);
  expect(typeof body.error).toBe("string");
  expect(ERROR_CODES).toContain(body.code);
  return body;
}

/** The running app's secrets (local runs): the environment's, else the demo secrets generated into data/secrets.json. */
export function localSecrets(): Record<"IRON_SESSION_PASSWORD" | "JWT_SECRET" | "AUTH_SECRET" | "HANDOFF_SECRET", string> {
  const file = existsSync("data/secrets.json") ? (JSON.parse(readFileSync("data/secrets.json", "utf8")) as Record<string, string>) : {};
  const get = (n: string) => process.env[n] ?? file[n] ?? "";
  return {
    IRON_SESSION_PASSWORD: get("IRON_SESSION_PASSWORD"),
    JWT_SECRET: get("JWT_SECRET"),
    AUTH_SECRET: get("AUTH_SECRET"),
    HANDOFF_SECRET: get("HANDOFF_SECRET"),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** base64url JSON of a JWT segment. */
export function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
}
export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
