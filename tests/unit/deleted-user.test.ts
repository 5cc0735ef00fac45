import { describe, expect, it } from "vitest";
import { VARIANT_IDS } from "@/lib/catalog/variants";
import { getDb } from "@/lib/server/db/client";
import type { RouteHandler } from "@/lib/server/http/route";
import * as check from "@/app/api/[strategy]/check/route";
import * as login from "@/app/api/[strategy]/login/route";
import * as logout from "@/app/api/[strategy]/logout/route";
import * as logoutAll from "@/app/api/[strategy]/logout-all/route";
import * as me from "@/app/api/[strategy]/me/route";
import * as notes from "@/app/api/[strategy]/notes/route";
import * as password from "@/app/api/[strategy]/password/route";
import * as profile from "@/app/api/[strategy]/profile/route";
import * as refresh from "@/app/api/[strategy]/refresh/route";
import * as sessions from "@/app/api/[strategy]/sessions/route";
import * as adminUsers from "@/app/api/[strategy]/admin/users/route";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { callRoute, cookiesOf } from "../support/routes";

// A credential that outlives its user (a sealed cookie or JWT kept across
// `npm run reset-demo`, a deleted account) is "not signed in": 401, never a 500.

const call = callRoute;

describe("a credential of a deleted user", () => {
  for (const variant of VARIANT_IDS) {
    it(`${variant}: every endpoint answers 4xx (401 not_signed_in where a session is needed), never 500`, async () => {
      const { id, email } = await newUser("Gone", "admin");
      const signedIn = await call(login.POST, variant, "login", { method: "POST", body: { email, password: TEST_PASSWORD } });
      expect(signedIn.status).toBe(200);
      const credential = { cookies: cookiesOf(signedIn), token: ((await signedIn.json()) as { token?: string }).token };
      await getDb().user.delete({ where: { id } });

      const needSession: [RouteHandler, string, string, unknown?][] = [
        [me.GET, "GET", "me"],
        [notes.GET, "GET", "notes"],
        [notes.POST, "POST", "notes", { title: "t", body: "b" }],
        [password.POST, "POST", "password", { currentPassword: TEST_PASSWORD, newPassword: "another-password-42" }],
        [profile.PATCH, "PATCH", "profile", { name: "Renamed" }],
        [adminUsers.GET, "GET", "admin/users"],
      ];
      for (const [handler, method, path, body] of needSession) {
        const res = await call(handler, variant, path, { method, body, ...credential });
        expect({ path, status: res.status, body: await res.json() }).toMatchObject({ path, status: 401, body: { code: "not_signed_in" } });
      }
      // The bare check reads no database for stateless variants (what the lab prices): the credential is
      // still authentic, so it may pass; capabilities a variant lacks answer 501. None of them may fail.
      for (const [handler, method, path] of [
        [check.GET, "GET", "check"],
        [sessions.GET, "GET", "sessions"],
        [logoutAll.POST, "POST", "logout-all"],
        [refresh.POST, "POST", "refresh"],
        [logout.POST, "POST", "logout"],
      ] as const) {
        const res = await call(handler, variant, path, { method, ...credential });
        expect({ path, status: res.status < 500 || res.status === 501 }).toEqual({ path, status: true });
      }
    });
  }
});
