import { describe, expect, it } from "vitest";
import * as login from "@/app/api/[strategy]/login/route";
import * as logoutAll from "@/app/api/[strategy]/logout-all/route";
import * as password from "@/app/api/[strategy]/password/route";
import * as role from "@/app/api/[strategy]/admin/users/[id]/role/route";
import * as disable from "@/app/api/[strategy]/admin/users/[id]/disable/route";
import { logSecurityEvent, setSecurityLogDestination } from "@/lib/server/security-log";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { callRoute, cookiesOf } from "../support/routes";

// Security events are logged as JSON lines, and no password, token or cookie
// value ever appears in them.

function capture(): string[] {
  const lines: string[] = [];
  setSecurityLogDestination({ write: (chunk: string) => void lines.push(chunk) });
  return lines;
}

describe("security event log", () => {
  it("logs sign-in success and failure, password change, role change, disable and revocation, without secrets", async () => {
    const lines = capture();
    const admin = await newUser("Ada", "admin");
    const member = await newUser("Max");
    const NEW_PASSWORD = "velvet-lantern-oyster-42";
    const WRONG = "not-the-password-zzz";

    expect(
      (await callRoute(login.POST, "stateful", "login", { method: "POST", body: { email: member.email, password: WRONG } })).status,
    ).toBe(401);
    const signedIn = await callRoute(login.POST, "jwt", "login", {
      method: "POST",
      body: { email: member.email, password: TEST_PASSWORD },
    });
    const token = ((await signedIn.json()) as { token: string }).token;
    const changed = await callRoute(password.POST, "jwt", "password", {
      method: "POST",
      token,
      body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD },
    });
    expect(changed.status).toBe(200);
    const adminIn = await callRoute(login.POST, "stateful", "login", {
      method: "POST",
      body: { email: admin.email, password: TEST_PASSWORD },
    });
    const cookies = cookiesOf(adminIn);
    const params = { id: member.id };
    expect(
      (
        await callRoute(role.POST, "stateful", `admin/users/${member.id}/role`, {
          method: "POST",
          cookies,
          params,
          body: { role: "admin" },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await callRoute(disable.POST, "stateful", `admin/users/${member.id}/disable`, {
          method: "POST",
          cookies,
          params,
          body: { disabled: true },
        })
      ).status,
    ).toBe(200);
    expect((await callRoute(logoutAll.POST, "stateful", "logout-all", { method: "POST", cookies })).status).toBe(200);

    const events = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const has = (match: Record<string, unknown>) => expect(events).toContainEqual(expect.objectContaining(match));
    has({ event: "sign-in", outcome: "failure", variant: "stateful", account: member.email, reason: "invalid" });
    has({ event: "sign-in", outcome: "success", variant: "jwt", userId: member.id });
    has({ event: "password-change", userId: member.id });
    has({ event: "role-change", actorId: admin.id, targetId: member.id, role: "admin" });
    has({ event: "disable", actorId: admin.id, targetId: member.id, disabled: true });
    has({ event: "revocation", kind: "sign-out-everywhere", actorId: admin.id });
    for (const e of events) expect(typeof e.time).toBe("number");

    const all = lines.join("\n");
    const sessionCookieValue = cookies.split("=")[1]!;
    for (const secret of [TEST_PASSWORD, NEW_PASSWORD, WRONG, token, sessionCookieValue]) expect(all).not.toContain(secret);
  });

  it("redacts a credential that slips into an event by key", () => {
    const lines = capture();
    logSecurityEvent({
      event: "sign-in",
      outcome: "success",
      variant: "jwt",
      userId: "u1",
      client: "x",
      ...({ password: "hunter2-secret", token: "eyJ.secret" } as object),
    });
    expect(lines.join("")).not.toMatch(/hunter2-secret|eyJ\.secret/);
    expect(lines.join("")).toContain("[redacted]");
  });
});
