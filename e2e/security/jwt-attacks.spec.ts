import { createHmac, generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decode as authDecode, encode as authEncode } from "@auth/core/jwt";
import { VARIANTS, type VariantId } from "../../lib/catalog/variants";
import { applicableVariants } from "../../lib/catalog/security-properties";
import {
  credentialOf,
  decodeSegment,
  encodeSegment,
  expect,
  expectCleanError,
  leaseAccounts,
  localSecrets,
  LOCAL_ONLY,
  REMOTE,
  replay,
  sessionCookieNames,
  signIn,
  test,
  verdict,
  type Client,
} from "./helpers";

// JWT validation attacks (RFC 8725, PortSwigger's labs, jwt_tool's playbook, CVE-2015-9235, CVE-2018-0114,
// CVE-2022-21449) against jose's verifier (jwt, jwt-denylist, jwt-refresh) and Auth.js's JWE cookie
// (nextauth, nextauth-refresh). Tokens are forged by hand (node:crypto), so no library refuses to make them.
// Attacks that need the real key (to show that *only* the header or claim made the difference) read the
// local demo secrets, and each has a control: the same token done right is accepted.

const VARIANTS_UNDER_ATTACK = applicableVariants("J1");
const isJose = (v: VariantId) => VARIANTS[v].transport === "bearer";

/** An HMAC-signed compact JWS, whatever the header says. */
function hmacJws(header: Record<string, unknown>, payload: Record<string, unknown>, key: Buffer | string, hash = "sha256"): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

/** Presents a forged value in the variant's credential slot; the status of GET /me. */
async function present(
  playwright: Parameters<typeof replay>[0],
  baseURL: string,
  variant: VariantId,
  token: string,
): Promise<{ status: number; clean: boolean }> {
  const headers: Record<string, string> = isJose(variant)
    ? { Authorization: `Bearer ${token}` }
    : { Cookie: `${sessionCookieNames(variant)[0]}=${token}` };
  const res = await replay(playwright, baseURL, variant, { headers });
  let clean = true;
  if (res.status() !== 200) {
    try {
      await expectCleanError(res);
    } catch {
      clean = false;
    }
  }
  return { status: res.status(), clean };
}

/** The token a signed-in client holds: the bearer token, or the Auth.js cookie's value (one chunk here). */
async function tokenOf(client: Client): Promise<string> {
  const c = await credentialOf(client);
  if (c.headers.Authorization) return c.headers.Authorization.replace(/^Bearer /, "");
  return c.headers.Cookie!.split("; ")[0]!.split("=").slice(1).join("=");
}

let listener: Server;
const fetched: string[] = [];
let listenerUrl = "";

test.beforeAll(async () => {
  // J6: anything the app fetches from a URL named in a token header lands here.
  listener = createServer((req, res) => {
    fetched.push(`${req.method} ${req.url}`);
    res.writeHead(200, { "content-type": "application/json" }).end('{"keys":[]}');
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
test.afterAll(async () => {
  await new Promise((r) => listener.close(r));
});

for (const variant of VARIANTS_UNDER_ATTACK) {
  test(`[J1] [J2] [J3] [J4] [J5] [J6] [J7] [J8] [J9] [J11] [J12] [J13] forged and altered tokens (${variant})`, async ({
    playwright,
    baseURL,
  }, info) => {
    const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
    try {
      const member = lease.members[0]!;
      const client = await signIn(playwright, baseURL!, variant, member);
      const token = await tokenOf(client);
      const ok = await present(playwright, baseURL!, variant, token);
      expect(ok.status, "the genuine token is accepted").toBe(200);
      const now = Math.floor(Date.now() / 1000);
      const secrets = REMOTE ? null : localSecrets();
      const all401 = (results: { status: number; clean: boolean }[]) => results.every((r) => r.status === 401 && r.clean);
      const show = (results: { status: number }[]) => results.map((r) => r.status).join(",");

      if (isJose(variant)) {
        const [h, p] = token.split(".") as [string, string, string];
        const header = decodeSegment(h);
        const payload = decodeSegment(p);
        const key = secrets?.JWT_SECRET ?? "";

        // J1: role → admin, signature untouched.
        const edited = `${h}.${encodeSegment({ ...payload, role: "admin", name: "Mallory" })}.${token.split(".")[2]}`;
        const j1 = await present(playwright, baseURL!, variant, edited);
        verdict(info, "J1", variant, all401([j1]), `edited payload → ${j1.status}`);

        // J2: alg none in four spellings, and the genuine token with its signature stripped.
        const none = await Promise.all(
          ["none", "None", "NONE", "nOnE"].map((alg) =>
            present(playwright, baseURL!, variant, `${encodeSegment({ ...header, alg })}.${p}.`),
          ),
        );
        const stripped = await present(playwright, baseURL!, variant, `${h}.${p}.`);
        verdict(info, "J2", variant, all401([...none, stripped]), `alg none ×4 → ${show(none)}; stripped → ${stripped.status}`);

        // J5: a key embedded as jwk, the token signed with it (oct for HMAC; EC for ES256).
        const attackerKey = randomBytes(32);
        const octJwk = { kty: "oct", k: attackerKey.toString("base64url") };
        const j5a = await present(
          playwright,
          baseURL!,
          variant,
          hmacJws({ ...header, jwk: octJwk }, { ...payload, role: "admin" }, attackerKey),
        );
        const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
        const ecInput = `${encodeSegment({ alg: "ES256", typ: header.typ, jwk: ec.publicKey.export({ format: "jwk" }) })}.${encodeSegment({ ...payload, role: "admin" })}`;
        const { sign } = await import("node:crypto");
        const ecSig = sign("sha256", Buffer.from(ecInput), { key: ec.privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
        const j5b = await present(playwright, baseURL!, variant, `${ecInput}.${ecSig}`);
        verdict(info, "J5", variant, all401([j5a, j5b]), `embedded oct jwk → ${j5a.status}; embedded EC jwk (ES256) → ${j5b.status}`);

        // J6: jku and x5u at a listener that records every request.
        const before = fetched.length;
        const j6 = [
          await present(playwright, baseURL!, variant, hmacJws({ ...header, jku: `${listenerUrl}/jwks.json` }, payload, attackerKey)),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, x5u: `${listenerUrl}/cert.pem` }, payload, attackerKey)),
          await present(
            playwright,
            baseURL!,
            variant,
            hmacJws({ ...header, alg: "RS256", jku: `${listenerUrl}/rs.json` }, payload, attackerKey),
          ),
        ];
        await new Promise((r) => setTimeout(r, 500));
        const hits = fetched.slice(before);
        verdict(info, "J6", variant, all401(j6) && hits.length === 0, `jku/x5u → ${show(j6)}; listener saw ${hits.length} request(s)`);

        // J7: kid injection, signed with the "contents" an injection would select (an empty file, a SQL result).
        const j7 = [
          await present(playwright, baseURL!, variant, hmacJws({ ...header, kid: "../../../../../../dev/null" }, payload, Buffer.alloc(0))),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, kid: "' UNION SELECT 'key' -- " }, payload, "key")),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, kid: "x".repeat(2000) }, payload, "key")),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, kid: { $ne: null } }, payload, "key")),
        ];
        verdict(info, "J7", variant, all401(j7), `kid injections → ${show(j7)} (clean JSON errors: ${j7.every((r) => r.clean)})`);

        // J8: ES256 with r = s = 0.
        const j8 = await present(
          playwright,
          baseURL!,
          variant,
          `${encodeSegment({ ...header, alg: "ES256" })}.${p}.${Buffer.alloc(64).toString("base64url")}`,
        );
        verdict(info, "J8", variant, all401([j8]), `ES256 all-zero signature → ${j8.status}`);

        // J4: asymmetric algorithms, with the only "public" material an attacker could find (none is published).
        const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const pem = rsa.publicKey.export({ format: "pem", type: "spki" }) as string;
        const jwks = await client.api.get("/.well-known/jwks.json");
        const j4 = [
          await present(playwright, baseURL!, variant, hmacJws({ ...header, alg: "RS256" }, payload, pem)),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, alg: "PS256" }, payload, pem)),
          await present(playwright, baseURL!, variant, hmacJws({ ...header, alg: "ES256" }, payload, pem)),
        ];
        verdict(
          info,
          "J4",
          variant,
          all401(j4) && jwks.status() === 404,
          `RS256/PS256/ES256 headers → ${show(j4)}; /.well-known/jwks.json → ${jwks.status()}`,
        );

        // J13: the payload anyone can read carries nothing beyond what the app needs.
        const allowed = new Set(["sub", "name", "role", "iat", "exp", "jti", "sid", "iss", "aud"]);
        const extra = Object.keys(payload).filter((k) => !allowed.has(k));
        const leaks = JSON.stringify(payload).includes(member.email) || JSON.stringify(payload).includes(member.password);
        verdict(
          info,
          "J13",
          variant,
          extra.length === 0 && !leaks,
          `claims: ${Object.keys(payload).join(", ")}; email or password inside: ${leaks}`,
        );

        if (!secrets) {
          info.annotations.push({ type: "not asserted here", description: `J3, J9, J11, J12: ${LOCAL_ONLY}` });
        } else {
          // Control: the payload re-signed exactly as the server does (HS256, its key) is accepted.
          const control = await present(playwright, baseURL!, variant, hmacJws(header, payload, key));
          expect(control.status, "re-signed with the real key and header: accepted").toBe(200);

          // J3: same key, other algorithms of the family.
          const j3 = [
            await present(playwright, baseURL!, variant, hmacJws({ ...header, alg: "HS384" }, payload, key, "sha384")),
            await present(playwright, baseURL!, variant, hmacJws({ ...header, alg: "HS512" }, payload, key, "sha512")),
          ];
          verdict(info, "J3", variant, all401(j3), `HS384/HS512 with the real key → ${show(j3)} (HS256 control 200)`);

          // J9: exp 30 s ago, 2 s ago (inside the 5 s tolerance), nbf in the future, no exp.
          const { exp: _exp, ...noExp } = payload;
          void _exp;
          const long = await present(playwright, baseURL!, variant, hmacJws(header, { ...payload, exp: now - 30 }, key));
          const within = await present(playwright, baseURL!, variant, hmacJws(header, { ...payload, exp: now - 2 }, key));
          const nbf = await present(playwright, baseURL!, variant, hmacJws(header, { ...payload, nbf: now + 120 }, key));
          const missing = await present(playwright, baseURL!, variant, hmacJws(header, noExp, key));
          verdict(
            info,
            "J9",
            variant,
            all401([long, nbf, missing]) && within.status === 200,
            `exp −30 s → ${long.status}; exp −2 s → ${within.status}; nbf +120 s → ${nbf.status}; no exp → ${missing.status}`,
          );

          // J11: wrong issuer, wrong audience (another variant's), a generic typ, no typ.
          const otherAudience = variant === "jwt" ? "session-lab:api:jwt-denylist" : "session-lab:api";
          const j11 = [
            await present(playwright, baseURL!, variant, hmacJws(header, { ...payload, iss: "evil" }, key)),
            await present(playwright, baseURL!, variant, hmacJws(header, { ...payload, aud: otherAudience }, key)),
            await present(playwright, baseURL!, variant, hmacJws({ ...header, typ: "JWT" }, payload, key)),
            await present(playwright, baseURL!, variant, hmacJws({ alg: "HS256" }, payload, key)),
          ];
          verdict(info, "J11", variant, all401(j11), `wrong iss / aud / typ JWT / no typ → ${show(j11)}`);

          // J12: an extension the verifier does not understand, marked critical.
          const j12 = await present(playwright, baseURL!, variant, hmacJws({ ...header, crit: ["x-lab"], "x-lab": true }, payload, key));
          verdict(info, "J12", variant, all401([j12]), `crit ["x-lab"] with the real key → ${j12.status}`);
        }
      } else {
        // Auth.js: a JWE (dir, A256CBC-HS512) whose key is derived from AUTH_SECRET with the cookie name as salt.
        const cookieName = sessionCookieNames(variant)[0]!;
        const parts = token.split(".");
        const header = decodeSegment(parts[0]!);
        const payloadClaims = { sub: member.id, name: "Mallory", role: "admin", email: member.email, exp: now + 3600, iat: now };

        const flipped = parts.map((s, i) => (i === 3 ? (s[0] === "A" ? "B" : "A") + s.slice(1) : s)).join(".");
        const j1 = await present(playwright, baseURL!, variant, flipped);
        verdict(info, "J1", variant, all401([j1]), `ciphertext byte changed → ${j1.status}`);

        const none = await Promise.all(
          ["none", "None", "NONE", "nOnE"].map((alg) =>
            present(playwright, baseURL!, variant, `${encodeSegment({ alg })}.${encodeSegment(payloadClaims)}.`),
          ),
        );
        verdict(info, "J2", variant, all401(none), `unsigned JWS (alg none ×4) → ${show(none)}`);

        const secret = secrets?.AUTH_SECRET ?? randomBytes(32).toString("base64url");
        const j3 = [
          await present(playwright, baseURL!, variant, hmacJws({ alg: "HS256" }, payloadClaims, secret)),
          await present(playwright, baseURL!, variant, hmacJws({ alg: "HS512" }, payloadClaims, secret, "sha512")),
        ];
        verdict(info, "J3", variant, all401(j3), `JWS signed with AUTH_SECRET (HS256/HS512) → ${show(j3)}`);

        const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
        const pem = rsa.publicKey.export({ format: "pem", type: "spki" }) as string;
        const j4 = [await present(playwright, baseURL!, variant, hmacJws({ alg: "RS256" }, payloadClaims, pem))];
        verdict(info, "J4", variant, all401(j4), `RS256 header → ${show(j4)}`);

        const attackerKey = randomBytes(32);
        const j5 = await present(
          playwright,
          baseURL!,
          variant,
          hmacJws({ alg: "HS256", jwk: { kty: "oct", k: attackerKey.toString("base64url") } }, payloadClaims, attackerKey),
        );
        verdict(info, "J5", variant, all401([j5]), `embedded jwk → ${j5.status}`);

        const before = fetched.length;
        const j6 = [
          await present(
            playwright,
            baseURL!,
            variant,
            hmacJws({ alg: "HS256", jku: `${listenerUrl}/jwks.json` }, payloadClaims, attackerKey),
          ),
          await present(
            playwright,
            baseURL!,
            variant,
            `${encodeSegment({ ...header, jku: `${listenerUrl}/jwe.json` })}.${parts.slice(1).join(".")}`,
          ),
        ];
        await new Promise((r) => setTimeout(r, 500));
        verdict(
          info,
          "J6",
          variant,
          all401(j6) && fetched.length === before,
          `jku in a JWS and in the JWE header → ${show(j6)}; listener saw ${fetched.length - before}`,
        );

        const j7 = [
          await present(
            playwright,
            baseURL!,
            variant,
            `${encodeSegment({ ...header, kid: "../../../../dev/null" })}.${parts.slice(1).join(".")}`,
          ),
          await present(playwright, baseURL!, variant, `${encodeSegment({ ...header, kid: "' OR '1'='1" })}.${parts.slice(1).join(".")}`),
        ];
        verdict(info, "J7", variant, all401(j7), `JWE with injected kid → ${show(j7)}`);

        const j8 = await present(
          playwright,
          baseURL!,
          variant,
          `${encodeSegment({ alg: "ES256" })}.${encodeSegment(payloadClaims)}.${Buffer.alloc(64).toString("base64url")}`,
        );
        verdict(info, "J8", variant, all401([j8]), `ES256 all-zero signature → ${j8.status}`);

        const j12 = await present(
          playwright,
          baseURL!,
          variant,
          `${encodeSegment({ ...header, crit: ["x-lab"], "x-lab": 1 })}.${parts.slice(1).join(".")}`,
        );
        verdict(info, "J12", variant, all401([j12]), `JWE header with crit → ${j12.status} (the protected header is authenticated)`);

        const isJwe = parts.length === 5 && header.alg === "dir" && typeof header.enc === "string";
        let readable = true;
        try {
          decodeSegment(parts[1] ?? "");
        } catch {
          readable = false;
        }
        const text = Buffer.from(parts[3] ?? "", "base64url").toString("latin1");
        verdict(
          info,
          "J13",
          variant,
          isJwe && !text.includes(member.email) && !text.includes(member.name),
          `JWE alg ${String(header.alg)} enc ${String(header.enc)}; readable payload: ${readable && parts.length !== 5}`,
        );

        if (!secrets) {
          info.annotations.push({ type: "not asserted here", description: `J9, J11: ${LOCAL_ONLY}` });
        } else {
          // The genuine claims, re-encrypted as Auth.js would, but already expired (Auth.js decodes with 15 s tolerance).
          const claims = await authDecode({ token, secret: secrets.AUTH_SECRET, salt: cookieName });
          expect(claims, "the suite decodes the genuine cookie with the local AUTH_SECRET").not.toBeNull();
          const control = await present(
            playwright,
            baseURL!,
            variant,
            await authEncode({ token: claims!, secret: secrets.AUTH_SECRET, salt: cookieName, maxAge: 600 }),
          );
          expect(control.status, "re-encrypted as Auth.js does: accepted").toBe(200);
          const long = await present(
            playwright,
            baseURL!,
            variant,
            await authEncode({ token: claims!, secret: secrets.AUTH_SECRET, salt: cookieName, maxAge: -60 }),
          );
          const within = await present(
            playwright,
            baseURL!,
            variant,
            await authEncode({ token: claims!, secret: secrets.AUTH_SECRET, salt: cookieName, maxAge: -3 }),
          );
          verdict(
            info,
            "J9",
            variant,
            long.status === 401 && within.status === 200,
            `exp −60 s → ${long.status}; exp −3 s (15 s tolerance) → ${within.status}`,
          );

          // J11: the same claims for another cookie (another salt), and the other nextauth variant's cookie.
          const otherSalt = await present(
            playwright,
            baseURL!,
            variant,
            await authEncode({ token: claims!, secret: secrets.AUTH_SECRET, salt: "authjs.other", maxAge: 600 }),
          );
          const other = variant === "nextauth" ? "nextauth-refresh" : "nextauth";
          const otherName = sessionCookieNames(other)[0]!;
          const crossed = await present(
            playwright,
            baseURL!,
            variant,
            await authEncode({ token: claims!, secret: secrets.AUTH_SECRET, salt: otherName, maxAge: 600 }),
          );
          verdict(
            info,
            "J11",
            variant,
            otherSalt.status === 401 && crossed.status === 401,
            `encrypted for another cookie → ${otherSalt.status}; for ${other} → ${crossed.status}`,
          );
        }
      }
      await client.api.dispose();
    } finally {
      await lease.release();
    }
  });
}
