import { CLOCK_TOLERANCE_SECONDS, MATRIX_PROFILE_HEADER, MATRIX_PROFILE_VALUE, TTL_PROFILES } from "../../lib/catalog/lifetimes";
import { VARIANT_IDS, VARIANTS, type VariantId } from "../../lib/catalog/variants";
import { credentialOf, expect, leaseAccounts, replay, signIn, sleep, test, verdict, type Client } from "./helpers";

// Idle and absolute timeouts and expired copies, watched happen with the matrix profile's short lifetimes
// (X-Session-Lab-Profile: matrix, docs/api.md). All variants run side by side in one test, so the whole
// file costs one absolute lifetime (about 45 s) rather than eight.

const M = TTL_PROFILES.matrix;
const matrix = { [MATRIX_PROFILE_HEADER]: MATRIX_PROFILE_VALUE };

/** Seconds after sign-in by which an unused credential must be refused: lifetime + the verifier's tolerance + 1. */
function idleDeadline(v: VariantId): number {
  const base = VARIANTS[v].base;
  if (v === "jwt-refresh") return Math.max(M.refresh.access + CLOCK_TOLERANCE_SECONDS.jwt, M.refresh.idle) + 1;
  return M[base].ttl + CLOCK_TOLERANCE_SECONDS[base] + 1;
}

/** Seconds of activity after which a session with an absolute limit must be over. */
function absoluteDeadline(v: VariantId): number {
  const base = VARIANTS[v].base;
  if (v === "jwt-refresh") return M.refresh.absolute + M.refresh.access + CLOCK_TOLERANCE_SECONDS.jwt + 1;
  if (base === "stateful") return M.stateful.absolute + 2;
  // Auth.js has no absolute limit: watch well past two full lifetimes plus tolerance.
  if (base === "nextauth") return 2 * (M.nextauth.ttl + CLOCK_TOLERANCE_SECONDS.nextauth) + 4;
  return M[base].ttl + CLOCK_TOLERANCE_SECONDS[base] + 1;
}

/** One request as the active user makes it (jwt-refresh: renewing its access token when it has run out). */
async function actAsUser(client: Client): Promise<number> {
  const me = await client.api.get(`/api/${client.variant}/me`, { headers: client.headers });
  if (me.status() !== 401 || client.variant !== "jwt-refresh") return me.status();
  const refreshed = await client.api.post(`/api/${client.variant}/refresh`);
  if (refreshed.status() !== 200) return refreshed.status();
  client.headers = { Authorization: `Bearer ${(await refreshed.json()).token}` };
  return (await client.api.get(`/api/${client.variant}/me`, { headers: client.headers })).status();
}

test(`[L5] [L6] [R7] idle and absolute timeouts, expired copies, every variant at once`, async ({ playwright, baseURL }, info) => {
  test.setTimeout(120_000);
  const lease = await leaseAccounts(playwright, baseURL!, { members: VARIANT_IDS.length, admins: 0 });
  try {
    await Promise.all(
      VARIANT_IDS.map(async (variant, i) => {
        const account = lease.members[i]!;
        const idle = await signIn(playwright, baseURL!, variant, account, { matrix: true });
        const active = await signIn(playwright, baseURL!, variant, account, { matrix: true });
        const start = Date.now();
        const copy = await credentialOf(idle);
        copy.headers = { ...copy.headers, ...matrix };
        expect((await replay(playwright, baseURL!, variant, copy)).status(), `${variant}: fresh copy accepted`).toBe(200);

        const idleAt = idleDeadline(variant);
        const absoluteAt = absoluteDeadline(variant);
        let idleDone = false;
        const checkIdle = async () => {
          idleDone = true;
          // L5: never used since sign-in. R7: the same copy, replayed whatever its cookie's own expiry said.
          const res =
            variant === "jwt-refresh" ? await idle.api.post(`/api/${variant}/refresh`) : await replay(playwright, baseURL!, variant, copy);
          const access = variant === "jwt-refresh" ? await replay(playwright, baseURL!, variant, copy) : res;
          const elapsed = ((Date.now() - start) / 1000).toFixed(1);
          verdict(info, "L5", variant, res.status() === 401 && access.status() === 401, `unused for ${elapsed} s → ${res.status()}`);
          verdict(info, "R7", variant, access.status() === 401, `copy replayed ${elapsed} s after issue → ${access.status()}`);
        };
        const statuses: number[] = [];
        while ((Date.now() - start) / 1000 < Math.max(idleAt, absoluteAt)) {
          if ((Date.now() - start) / 1000 < absoluteAt) statuses.push(await actAsUser(active));
          if (!idleDone && (Date.now() - start) / 1000 >= idleAt) await checkIdle();
          await sleep(1_000);
        }
        if (!idleDone) await checkIdle();
        const final = await actAsUser(active);
        const elapsed = ((Date.now() - start) / 1000).toFixed(1);
        const alive = statuses.filter((s) => s === 200).length;
        verdict(
          info,
          "L6",
          variant,
          final === 401,
          `kept busy (${alive}/${statuses.length} requests accepted); after ${elapsed} s → ${final}`,
        );
      }),
    );
  } finally {
    await lease.release();
  }
});
