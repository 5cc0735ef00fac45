import { randomBytes } from "node:crypto";
import { VARIANT_IDS } from "../../lib/catalog/variants";
import { MATRIX_PROFILE_HEADER, MATRIX_PROFILE_VALUE } from "../../lib/catalog/lifetimes";
import { REFRESH_COOKIE } from "../../lib/server/cookies";
import {
  applies,
  cookieName,
  cookieValue,
  credentialOf,
  expect,
  leaseAccounts,
  replay,
  setCookies,
  signIn,
  sleep,
  test,
  verdict,
} from "./helpers";

// Revocation and staleness: copies of a credential replayed after sign-out, a password change, a disable, a
// demotion, a device revocation, a deleted account. Throwaway accounts only; the admin acts through
// `stateful` (the authoritative path), the victim holds a credential of the variant under test.

const strongPassword = () => `Rotated-${randomBytes(12).toString("base64url")}!`;

for (const variant of VARIANT_IDS) {
  test.describe(variant, () => {
    test(`[R1] [R3] [R4] [R5] [L7] sign-out, password change, disable, demotion, one device revoked (${variant})`, async ({
      playwright,
      baseURL,
    }, info) => {
      const lease = await leaseAccounts(playwright, baseURL!, { members: 2, admins: 2 });
      try {
        const [member, other] = lease.members as [(typeof lease.members)[0], (typeof lease.members)[0]];
        const [admin, victimAdmin] = lease.admins as [(typeof lease.admins)[0], (typeof lease.admins)[0]];
        const authority = await signIn(playwright, baseURL!, "stateful", admin);

        // R1: copy, sign out, replay.
        const signedOut = await signIn(playwright, baseURL!, variant, member);
        const copy = await credentialOf(signedOut);
        expect((await signedOut.api.post(`/api/${variant}/logout`, { headers: signedOut.headers })).status()).toBe(200);
        const r1 = await replay(playwright, baseURL!, variant, copy);
        verdict(info, "R1", variant, r1.status() === 401, `copy after sign-out → ${r1.status()}`);

        // R3: devices A and B; A changes the password; B's credential is replayed.
        const deviceA = await signIn(playwright, baseURL!, variant, other);
        const deviceB = await signIn(playwright, baseURL!, variant, other);
        const bCopy = await credentialOf(deviceB);
        const changed = await deviceA.api.post(`/api/${variant}/password`, {
          data: { currentPassword: other.password, newPassword: strongPassword() },
          headers: deviceA.headers,
        });
        expect(changed.status(), await changed.text()).toBe(200);
        const r3 = await replay(playwright, baseURL!, variant, bCopy);
        verdict(info, "R3", variant, r3.status() === 401, `other device after a password change → ${r3.status()}`);

        // L7: list one's sessions and end another device's.
        if (applies("L7", variant)) {
          const one = await signIn(playwright, baseURL!, variant, member);
          const two = await signIn(playwright, baseURL!, variant, member);
          const list = await one.api.get(`/api/${variant}/sessions`, { headers: one.headers });
          let detail = `GET /sessions → ${list.status()}`;
          let ended = false;
          if (list.status() === 200) {
            const sessions = (await list.json()).sessions as { id: string; current: boolean }[];
            const target = sessions.find((s) => !s.current)!;
            const del = await one.api.delete(`/api/${variant}/sessions/${target.id}`, { headers: one.headers });
            // A refresh family's device is ended at its next refresh (its access token runs out within its lifetime).
            const after =
              variant === "jwt-refresh"
                ? await two.api.post(`/api/${variant}/refresh`)
                : await replay(playwright, baseURL!, variant, await credentialOf(two));
            ended = del.status() === 200 && after.status() === 401;
            detail += `, ${sessions.length} listed; DELETE the other → ${del.status()}; that device → ${after.status()}`;
          } else {
            const del = await one.api.delete(`/api/${variant}/sessions/anything`, { headers: one.headers });
            detail += `; DELETE /sessions/{id} → ${del.status()} (${(await del.json()).code})`;
          }
          verdict(info, "L7", variant, ended, detail);
        }

        // R5: an admin holding a credential of this variant is demoted; the credential on an admin route.
        const demoted = await signIn(playwright, baseURL!, variant, victimAdmin);
        expect((await demoted.api.get(`/api/${variant}/admin/users`, { headers: demoted.headers })).status()).toBe(200);
        const demote = await authority.api.post(`/api/stateful/admin/users/${victimAdmin.id}/role`, { data: { role: "member" } });
        expect(demote.status(), await demote.text()).toBe(200);
        const r5 = await demoted.api.get(`/api/${variant}/admin/users`, { headers: demoted.headers });
        verdict(info, "R5", variant, r5.status() === 403, `demoted admin's credential on /admin/users → ${r5.status()}`);

        // R4: disabled; the credential is replayed.
        const disabledCopy = await credentialOf(await signIn(playwright, baseURL!, variant, member));
        const disable = await authority.api.post(`/api/stateful/admin/users/${member.id}/disable`, { data: { disabled: true } });
        expect(disable.status(), await disable.text()).toBe(200);
        const r4 = await replay(playwright, baseURL!, variant, disabledCopy);
        verdict(info, "R4", variant, r4.status() === 401, `disabled account's credential → ${r4.status()}`);
      } finally {
        await lease.release();
      }
    });

    test(`[R9] [R10] a password change through this variant ends stateful sessions; a deleted user's credential (${variant})`, async ({
      playwright,
      baseURL,
    }, info) => {
      const lease = await leaseAccounts(playwright, baseURL!, { members: 2, admins: 0 });
      let released = false;
      try {
        const [member, doomed] = lease.members as [(typeof lease.members)[0], (typeof lease.members)[0]];
        // R9: a stateful session elsewhere, then a password change made through this variant.
        const stateful = await credentialOf(await signIn(playwright, baseURL!, "stateful", member));
        const here = await signIn(playwright, baseURL!, variant, member);
        const changed = await here.api.post(`/api/${variant}/password`, {
          data: { currentPassword: member.password, newPassword: strongPassword() },
          headers: here.headers,
        });
        expect(changed.status(), await changed.text()).toBe(200);
        const r9 = await replay(playwright, baseURL!, "stateful", stateful);
        verdict(info, "R9", variant, r9.status() === 401, `stateful session after a password change through ${variant} → ${r9.status()}`);

        // R10: the account is deleted (its lease released) while the credential is held.
        const held = await credentialOf(await signIn(playwright, baseURL!, variant, doomed));
        await lease.release();
        released = true;
        const r10 = await replay(playwright, baseURL!, variant, held);
        verdict(info, "R10", variant, r10.status() === 401, `credential of a deleted account → ${r10.status()}`);
      } finally {
        if (!released) await lease.release();
      }
    });
  });
}

test(`[R6] a denylist keys on jti: a re-issued copy of a signed-out token is refused too`, async ({ playwright, baseURL }, info) => {
  const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
  try {
    const variant = "jwt-denylist";
    const client = await signIn(playwright, baseURL!, variant, lease.members[0]!);
    const t1 = client.headers;
    const renamed = await client.api.patch(`/api/${variant}/profile`, { data: { name: "Renamed" }, headers: t1 });
    const t2 = { Authorization: `Bearer ${(await renamed.json()).token}` };
    expect(t2.Authorization).not.toBe(t1.Authorization);
    expect((await replay(playwright, baseURL!, variant, { headers: t2 })).status()).toBe(200);
    expect((await client.api.post(`/api/${variant}/logout`, { headers: t1 })).status()).toBe(200);
    const r6 = await replay(playwright, baseURL!, variant, { headers: t2 });
    verdict(info, "R6", variant, r6.status() === 401, `sign-out with T1; T2 (same jti, other bytes) → ${r6.status()}`);
  } finally {
    await lease.release();
  }
});

test(`[R8] refresh tokens rotate, and a reused one ends the family`, async ({ playwright, baseURL }, info) => {
  const lease = await leaseAccounts(playwright, baseURL!, { members: 1, admins: 0 });
  try {
    const variant = "jwt-refresh";
    // The matrix profile: a 2 s grace window.
    const client = await signIn(playwright, baseURL!, variant, lease.members[0]!, { matrix: true });
    const rt = (res: { headersArray(): { name: string; value: string }[] }) =>
      setCookies(res as never).find((l) => cookieName(l).endsWith(REFRESH_COOKIE.base) && cookieValue(l) !== "")!;
    const rt1 = rt(client.login);
    const first = await client.api.post(`/api/${variant}/refresh`);
    expect(first.status()).toBe(200);
    const rt2 = rt(first);
    expect(cookieValue(rt2)).not.toBe(cookieValue(rt1));
    await sleep(2_500);
    const origin = new URL(baseURL!).origin;
    const thief = await playwright.request.newContext({
      baseURL,
      extraHTTPHeaders: { Origin: origin, [MATRIX_PROFILE_HEADER]: MATRIX_PROFILE_VALUE },
    });
    const reused = await thief.post(`/api/${variant}/refresh`, { headers: { Cookie: `${cookieName(rt1)}=${cookieValue(rt1)}` } });
    const reusedCode = (await reused.json()).code;
    const victim = await thief.post(`/api/${variant}/refresh`, { headers: { Cookie: `${cookieName(rt2)}=${cookieValue(rt2)}` } });
    verdict(
      info,
      "R8",
      variant,
      reused.status() === 401 && reusedCode === "refresh_reused" && victim.status() === 401,
      `RT1→RT2; RT1 after the grace window → ${reused.status()} ${reusedCode}; RT2 then → ${victim.status()}`,
    );
    await thief.dispose();
  } finally {
    await lease.release();
  }
});
