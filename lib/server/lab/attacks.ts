import "server-only";
import { createHmac, randomBytes } from "node:crypto";
import { ATTACKS, attackExpectation, type AttackId, type AttackResult, type Exchange } from "@/lib/catalog/attacks";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { selfTarget } from "@/lib/server/compare/self";
import { createLease, releaseLease, type LeaseAccount } from "@/lib/server/data/compare";
import { loadEnv } from "@/lib/server/env";

// Fires one attack of lib/catalog/attacks.ts at this very server, over HTTP (the way the comparison runner
// reaches itself), with throwaway accounts that are deleted afterwards. Returns the attack request and the
// response as sent and received (credentials shortened), and the verdict against the catalog. Attacks that
// need a correctly signed token use the server's own keys: that is what proves the refusal comes from the
// header or claim under test, not from a bad signature.

const EVIL = "http://evil.test";
const SHOWN_HEADERS = ["content-type", "cache-control", "location", "access-control-allow-origin", "access-control-allow-credentials"];

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const hmacJws = (header: object, payload: object, key: string | Buffer, hash = "sha256") => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
};
const shorten = (value: string) => value.replace(/([A-Za-z0-9_\-.*~%]{24})[A-Za-z0-9_\-.*~%]{8,}/g, "$1…");
const decodePart = (token: string, i: number) =>
  JSON.parse(Buffer.from(token.split(".")[i] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;

/** The newest JWT key (what the server signs with) and its kid, if it rotates. */
function jwtKey(): { key: string; kid?: string } {
  const secret = loadEnv().jwtSecret;
  if (typeof secret === "string") return { key: secret };
  const kid = String(Math.max(...Object.keys(secret).map(Number)));
  return { key: secret[kid]!, kid };
}

interface Session {
  /** Cookie header of the credential cookies the sign-in set (empty for bearer variants without one). */
  cookie: string;
  cookieNames: string[];
  token?: string;
  setCookies: string[];
}

let running = 0;
const MAX_CONCURRENT = 2;

export class AttackBusy extends Error {}

export async function runAttack(id: AttackId, variant: VariantId): Promise<AttackResult> {
  if (running >= MAX_CONCURRENT) throw new AttackBusy();
  running++;
  try {
    return await fire(id, variant);
  } finally {
    running--;
  }
}

async function fire(id: AttackId, variant: VariantId): Promise<AttackResult> {
  const started = Date.now();
  // Two throwaway accounts (victim, attacker) of their own scope; not the run slot, so /compare is never blocked.
  const lease = await createLease({ kind: "live", accounts: ["member", "member"], ttlSeconds: 120 });
  if (!lease.ok) throw new AttackBusy();
  const self = selfTarget();
  const target = { baseUrl: self.baseUrl, origin: self.origin ?? new URL(self.baseUrl).origin };
  const exchanges: Exchange[] = [];

  async function send(
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string; record?: boolean } = {},
  ): Promise<{ status: number; headers: Headers; text: string }> {
    // An empty value removes a header (a request with no Origin at all).
    const headers: Record<string, string> = { Origin: target.origin, ...options.headers };
    for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
    const res = await fetch(`${target.baseUrl}${path}`, { method, headers, body: options.body, redirect: "manual" });
    const text = await res.text();
    if (options.record !== false) {
      const shown: Record<string, string> = {};
      for (const name of SHOWN_HEADERS) {
        const value = res.headers.get(name);
        if (value !== null) shown[name] = value;
      }
      const cookies = res.headers.getSetCookie();
      if (cookies.length) shown["set-cookie"] = cookies.map(shorten).join("\n");
      exchanges.push({
        request: {
          method,
          url: shorten(path),
          headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, shorten(v)])),
          body: options.body ? shorten(options.body).slice(0, 400) : undefined,
        },
        response: { status: res.status, headers: shown, body: shorten(text).slice(0, 800) },
      });
    }
    return { status: res.status, headers: res.headers, text };
  }

  async function signIn(account: LeaseAccount, extra: Record<string, string> = {}, record = false): Promise<Session> {
    const res = await send("POST", `/api/${variant}/login`, {
      headers: { "Content-Type": "application/json", ...extra },
      body: JSON.stringify({ email: account.email, password: account.password }),
      record,
    });
    if (res.status !== 200 && !record) throw new Error(`sign-in to ${variant} failed with ${res.status}`);
    const setCookies = res.headers.getSetCookie();
    const live = setCookies.map((l) => l.split(";")[0]!).filter((pair) => !pair.endsWith("="));
    const body = res.status === 200 ? (JSON.parse(res.text) as { token?: string }) : {};
    return { cookie: live.join("; "), cookieNames: live.map((p) => p.split("=")[0]!), token: body.token, setCookies };
  }

  const bearer = VARIANTS[variant].transport === "bearer";
  /** Headers presenting a (forged) token in the variant's slot: Authorization, or its session cookie. */
  const slot = (s: Session, token: string): Record<string, string> =>
    bearer ? { Authorization: `Bearer ${token}` } : { Cookie: `${s.cookieNames.find((n) => !n.includes("callback")) ?? "x"}=${token}` };
  const credentialHeaders = (s: Session): Record<string, string> =>
    s.token ? { Authorization: `Bearer ${s.token}` } : { Cookie: s.cookie };
  /** The session token itself: the bearer token, or the session cookie's value. */
  const sessionToken = (s: Session) =>
    s.token ??
    s.cookie
      .split("; ")
      .find((p) => !p.includes("callback"))!
      .split("=")
      .slice(1)
      .join("=");

  try {
    const [victim, attacker] = lease.lease.accounts as [LeaseAccount, LeaseAccount];
    let refused: boolean;
    let explanation: string;
    const me = async (headers: Record<string, string>, query = "") =>
      send("GET", `/api/${variant}/me${query}`, { headers: { Origin: "", ...headers } });

    switch (id) {
      case "forged-credential": {
        const s = await signIn(victim);
        const r = await me(slot(s, randomBytes(32).toString("base64url")));
        refused = r.status === 401;
        explanation = `A random value in the credential's slot → ${r.status}.`;
        break;
      }
      case "credential-in-url": {
        const s = await signIn(victim);
        const value = sessionToken(s);
        const r = await me({}, `?token=${encodeURIComponent(value)}&access_token=${encodeURIComponent(value)}`);
        refused = r.status === 401;
        explanation = `A valid credential in the query string, none in headers → ${r.status}.`;
        break;
      }
      case "replay-after-sign-out": {
        const s = await signIn(victim);
        await send("POST", `/api/${variant}/logout`, { headers: credentialHeaders(s) });
        const r = await me(credentialHeaders(s));
        refused = r.status === 401;
        explanation = refused
          ? "The copy was refused after sign-out."
          : "The copy still works after sign-out: the server holds nothing to end.";
        break;
      }
      case "payload-edited":
      case "alg-none":
      case "algorithm-swap":
      case "embedded-jwk":
      case "kid-injection":
      case "es256-zero-signature":
      case "expired-token": {
        const s = await signIn(victim);
        const token = sessionToken(s);
        const now = Math.floor(Date.now() / 1000);
        let forged: string;
        if (bearer) {
          const header = decodePart(token, 0);
          const payload = decodePart(token, 1);
          const { key, kid } = jwtKey();
          const admin = { ...payload, role: "admin" };
          const attackerKey = randomBytes(32);
          forged = {
            "payload-edited": () => `${token.split(".")[0]}.${b64(admin)}.${token.split(".")[2]}`,
            "alg-none": () => `${b64({ ...header, alg: "none" })}.${b64(admin)}.`,
            "algorithm-swap": () => hmacJws({ ...header, alg: "HS512", ...(kid ? { kid } : {}) }, payload, key, "sha512"),
            "embedded-jwk": () => hmacJws({ ...header, jwk: { kty: "oct", k: attackerKey.toString("base64url") } }, admin, attackerKey),
            "kid-injection": () => hmacJws({ ...header, kid: "../../../../dev/null" }, admin, Buffer.alloc(0)),
            "es256-zero-signature": () => `${b64({ ...header, alg: "ES256" })}.${b64(admin)}.${Buffer.alloc(64).toString("base64url")}`,
            "expired-token": () => hmacJws({ ...header, ...(kid ? { kid } : {}) }, { ...payload, exp: now - 60 }, key),
          }[id]();
        } else {
          const claims = { sub: victim.id, name: victim.name, role: "admin", exp: now + 3600, iat: now };
          const parts = token.split(".");
          forged = {
            "payload-edited": () => parts.map((p, i) => (i === 3 ? (p[0] === "A" ? "B" : "A") + p.slice(1) : p)).join("."),
            "alg-none": () => `${b64({ alg: "none" })}.${b64(claims)}.`,
            "algorithm-swap": () => hmacJws({ alg: "HS512" }, claims, loadEnv().AUTH_SECRET, "sha512"),
            "embedded-jwk": () => {
              const k = randomBytes(32);
              return hmacJws({ alg: "HS256", jwk: { kty: "oct", k: k.toString("base64url") } }, claims, k);
            },
            "kid-injection": () => `${b64({ ...decodePart(token, 0), kid: "../../../../dev/null" })}.${parts.slice(1).join(".")}`,
            "es256-zero-signature": () => `${b64({ alg: "ES256" })}.${b64(claims)}.${Buffer.alloc(64).toString("base64url")}`,
            "expired-token": () => token,
          }[id]();
        }
        const r = await me(slot(s, forged));
        refused = r.status === 401;
        explanation = `The forged token → ${r.status}${r.status === 200 ? " (accepted!)" : ""}.`;
        break;
      }
      case "foreign-origin": {
        const s = await signIn(victim);
        // A browser on another site attaches cookies by itself, never an Authorization header.
        const r = await send("PATCH", `/api/${variant}/profile`, {
          headers: { Origin: EVIL, "Content-Type": "application/json", ...(s.cookie ? { Cookie: s.cookie } : {}) },
          body: JSON.stringify({ name: "Pwned" }),
        });
        refused = r.status === 401 || r.status === 403;
        explanation = bearer
          ? `No ambient credential: the forged request carries none (${r.status}).`
          : `The Origin check refused it (${r.status}) before anything was read.`;
        if (!refused) explanation = `The cross-site request was accepted (${r.status}).`;
        break;
      }
      case "login-csrf": {
        const s = await signIn(attacker, { Origin: EVIL }, true);
        const planted = s.setCookies.filter(
          (l) => !/^[^=]+=;/.test(l) && !l.startsWith("authjs.callback-url") && !l.startsWith("authjs.csrf"),
        );
        refused = planted.length === 0;
        explanation = refused ? "No session cookie was set for the attacker's account." : `${planted.length} credential cookie(s) planted.`;
        break;
      }
      case "get-mutation": {
        const s = await signIn(victim);
        const r = await send("GET", `/api/${variant}/logout`, { headers: credentialHeaders(s) });
        const after = await me(credentialHeaders(s));
        refused = r.status === 405 && after.status === 200;
        explanation = `GET /logout → ${r.status}; the session afterwards → ${after.status}.`;
        break;
      }
      case "cors-reflection": {
        const s = await signIn(victim);
        const r = await me({ ...credentialHeaders(s), Origin: EVIL });
        const acao = r.headers.get("access-control-allow-origin");
        refused = acao === null && r.headers.get("access-control-allow-credentials") === null;
        explanation = refused
          ? "No Access-Control-Allow-* header: other sites cannot read the answer."
          : `Access-Control-Allow-Origin: ${acao}.`;
        break;
      }
      case "forwarded-headers": {
        const s = await signIn(victim, { "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.test" }, true);
        const prefixed = s.setCookies.filter((l) => l.startsWith("__") || /;\s*secure/i.test(l));
        refused = prefixed.length === 0 || target.origin.startsWith("https:");
        explanation = refused
          ? "The cookie names and flags follow this server's own origin, not the client's headers."
          : "The client's X-Forwarded-* headers changed the cookies.";
        break;
      }
      case "hostile-json": {
        const bodies = ['{"email":', '{"email":5,"password":[]}', JSON.stringify({ email: "a@b.c", password: "x".repeat(20_000) })];
        const statuses: number[] = [];
        let clean = true;
        for (const body of bodies) {
          const r = await send("POST", `/api/${variant}/login`, { headers: { "Content-Type": "application/json" }, body });
          statuses.push(r.status);
          try {
            const parsed = JSON.parse(r.text) as { code?: unknown; error?: unknown };
            clean &&= r.status >= 400 && r.status < 500 && typeof parsed.code === "string" && typeof parsed.error === "string";
          } catch {
            clean = false;
          }
        }
        refused = clean;
        explanation = `Statuses ${statuses.join(", ")}: ${clean ? "each a 4xx JSON {error, code}" : "not all clean 4xx JSON errors"}.`;
        break;
      }
    }
    const { property, outcome } = attackExpectation(id, variant);
    const observed = refused ? "holds" : "fails";
    return {
      attack: id,
      variant,
      property: { id: property.id, title: property.title, sources: property.sources },
      expected: outcome,
      refused,
      observed,
      asExpected: outcome.outcome === "holds" ? refused : outcome.outcome === "fails-by-design" ? !refused : false,
      explanation,
      exchanges,
      ms: Date.now() - started,
    };
  } finally {
    await releaseLease(lease.lease.id, lease.lease.token);
  }
}

export { ATTACKS };
