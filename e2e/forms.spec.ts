import type { Page, Route } from "@playwright/test";
import type { ErrorCode } from "../lib/api-errors";
import type { StrategyId } from "../lib/strategies";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";

// The forms' own behaviour, run once per strategy: friendly messages, what is
// kept or cleared after a failure, the reset after a success, the pending state
// (a request is held until the test has looked at the page), and a lost session.

/**
 * Holds the `method path` request until the test lets it go on to the server
 * (`release()`) or answers it itself (`answer()`), so the page can be looked
 * at while the request is in flight.
 */
async function hold(page: Page, strategy: StrategyId, method: string, path: string) {
  let arrived!: () => void;
  let finish!: (respond: (route: Route) => Promise<void>) => void;
  let handled!: () => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const finished = new Promise<(route: Route) => Promise<void>>((resolve) => (finish = resolve));
  const done = new Promise<void>((resolve) => (handled = resolve));
  const url = `**/api/${strategy}${path}`;
  await page.route(url, async (route) => {
    if (route.request().method() !== method) return route.fallback();
    arrived();
    const respond = await finished;
    await respond(route);
    handled();
  });
  const settle = async (respond: (route: Route) => Promise<void>) => {
    finish(respond);
    await done;
    await page.unroute(url);
  };
  return {
    inFlight,
    release: () => settle((route) => route.fallback()),
    answer: (status: number, code: ErrorCode, error: string) => settle((route) => route.fulfill({ status, json: { error, code } })),
  };
}

/** Alerts of the page's content (Next.js's route announcer is an alert too). */
function alerts(page: Page) {
  return page.getByRole("main").getByRole("alert");
}

test("notes: friendly empty title, failure keeps the draft, pending, reset after success, one delete", async ({ page, strategy }) => {
  const suffix = Date.now().toString(36);
  await signIn(page, strategy, "alice@example.com");
  await page.getByRole("link", { name: "Notes" }).click();
  const title = page.getByLabel("Title");
  const body = page.getByLabel("Body");
  const add = page.getByRole("button", { name: "Add note" });

  // A title of spaces passes `required`: the form says what is wrong and keeps the body.
  await title.fill("   ");
  await body.fill("kept body");
  await add.click();
  await expect(alerts(page)).toHaveText("Give the note a title.");
  await expect(body).toHaveValue("kept body");

  // The API refuses (e.g. the note limit): its error is shown and nothing typed is lost.
  const refused = await hold(page, strategy, "POST", "/notes");
  await title.fill(`Refused ${suffix}`);
  await add.click();
  await refused.inFlight;
  await refused.answer(409, "conflict", "You have reached the limit of 500 notes.");
  await expect(alerts(page)).toHaveText("You have reached the limit of 500 notes.");
  await expect(title).toHaveValue(`Refused ${suffix}`);
  await expect(body).toHaveValue("kept body");

  // Pending: the button is disabled and says so until the API has answered; then the form is empty again.
  const saving = await hold(page, strategy, "POST", "/notes");
  await title.fill(`Held ${suffix}`);
  await page.getByRole("button", { name: "Add note" }).click();
  await saving.inFlight;
  await expect(page.getByRole("button", { name: "Saving…" })).toBeDisabled();
  await saving.release();
  const note = page.getByTestId("note").filter({ hasText: `Held ${suffix}` });
  await expect(note).toContainText("kept body");
  await expect(title).toHaveValue("");
  await expect(body).toHaveValue("");
  await expect(alerts(page)).toHaveCount(0);

  // Delete: disabled while in flight; a double click deletes once and reports no error.
  const deletes: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "DELETE") deletes.push(r.url());
  });
  const deleting = await hold(page, strategy, "DELETE", "/notes/*");
  await note.getByRole("button", { name: `Delete note Held ${suffix}` }).click();
  await deleting.inFlight;
  await expect(note.getByRole("button", { name: `Delete note Held ${suffix}` })).toBeDisabled();
  await deleting.release();
  await expect(note).toHaveCount(0);
  expect(deletes).toHaveLength(1);

  await title.fill(`Twice ${suffix}`);
  await add.click();
  const twice = page.getByTestId("note").filter({ hasText: `Twice ${suffix}` });
  await twice.getByRole("button", { name: `Delete note Twice ${suffix}` }).dblclick();
  await expect(twice).toHaveCount(0);
  await expect(alerts(page)).toHaveCount(0);

  // Deleted elsewhere meanwhile (another tab): Delete meets not_found, which is no error; the list catches up.
  await title.fill(`Elsewhere ${suffix}`);
  await add.click();
  const elsewhere = page.getByTestId("note").filter({ hasText: `Elsewhere ${suffix}` });
  await expect(elsewhere).toBeVisible();
  const status = await page.evaluate(
    async ([s, noteTitle]) => {
      const token = s === "jwt" ? JSON.parse(localStorage.getItem("session-lab.jwt") ?? "{}").token : null;
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
      const { notes } = (await (await fetch(`/api/${s}/notes`, { headers })).json()) as { notes: { id: string; title: string }[] };
      const id = notes.find((n) => n.title === noteTitle)?.id;
      return (await fetch(`/api/${s}/notes/${id}`, { method: "DELETE", headers })).status;
    },
    [strategy, `Elsewhere ${suffix}`] as const,
  );
  expect(status).toBe(200);
  await elsewhere.getByRole("button", { name: `Delete note Elsewhere ${suffix}` }).click();
  await expect(elsewhere).toHaveCount(0);
  await expect(alerts(page)).toHaveCount(0);
});

test("settings: empty name, pending rename, a refused password change clears both fields", async ({ page, strategy }) => {
  await signIn(page, strategy, "alice@example.com");
  await page.getByRole("link", { name: "Settings" }).click();
  const name = page.getByLabel("Name", { exact: true });

  await name.fill("  ");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(alerts(page)).toHaveText("Your name cannot be empty.");

  const saving = await hold(page, strategy, "PATCH", "/profile");
  await name.fill("  Alice Admin  ");
  await page.getByRole("button", { name: "Save name" }).click();
  await saving.inFlight;
  await expect(page.getByRole("button", { name: "Saving…" })).toBeDisabled();
  await saving.release();
  await expect(page.getByText("Saved: your name is now “Alice Admin”.")).toBeVisible();
  // After the reset the field shows the name as the server saved it (trimmed).
  await expect(name).toHaveValue("Alice Admin");

  const current = page.getByLabel("Current password");
  const next = page.getByLabel("New password");
  await current.fill("not-the-password");
  await next.fill("a-new-password-123");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(alerts(page)).toHaveText("The current password is not correct.");
  await expect(current).toHaveValue("");
  await expect(next).toHaveValue("");
  await expect(page.getByRole("button", { name: "Change password" })).toBeEnabled();
});

test("admin: controls wait for the action; a refused role change is undone", async ({ page, strategy }) => {
  await signIn(page, strategy, "alice@example.com");
  await page.getByRole("link", { name: "Admin" }).click();
  const role = page.getByLabel("Role of bob@example.com");
  await expect(role).toHaveValue("member");

  const held = await hold(page, strategy, "POST", "/admin/users/*/role");
  await role.selectOption("admin");
  await held.inFlight;
  // The choice shows while the request runs; nothing else can be changed meanwhile.
  await expect(role).toHaveValue("admin");
  await expect(role).toBeDisabled();
  await expect(page.getByTestId("user-row-bob@example.com").getByRole("button", { name: "Disable" })).toBeDisabled();
  await held.answer(409, "conflict", "Someone else changed this user first.");
  await expect(alerts(page)).toHaveText("Someone else changed this user first.");
  await expect(role).toHaveValue("member");
  await expect(role).toBeEnabled();

  // Disable and enable again, through the row's buttons.
  const bob = page.getByTestId("user-row-bob@example.com");
  try {
    await bob.getByRole("button", { name: "Disable" }).click();
    await expect(page.getByText("bob@example.com disabled.")).toBeVisible();
    await expect(bob.getByText("disabled", { exact: true })).toBeVisible();
  } finally {
    await bob.getByRole("button", { name: "Enable" }).click();
    await expect(page.getByText("bob@example.com enabled.")).toBeVisible();
  }
  await expect(bob.getByText("disabled", { exact: true })).toHaveCount(0);
});

test("sign-in: a failure keeps the email, Auth.js errors are explained, pending, then the requested page", async ({ page, strategy }) => {
  await page.goto(`/${strategy}/login?error=CredentialsSignin`);
  await expect(alerts(page)).toHaveText("Invalid email or password.");
  await page.goto(`/${strategy}/login?error=CredentialsSignin&code=disabled`);
  await expect(alerts(page)).toHaveText("This account is disabled.");
  await page.goto(`/${strategy}/login?error=Configuration`);
  await expect(alerts(page)).toHaveText("Sign-in failed. Please try again.");

  await page.goto(`/${strategy}/login?next=${encodeURIComponent(`/${strategy}/notes`)}`);
  await expect(alerts(page)).toHaveCount(0);
  const email = page.getByLabel("Email");
  const password = page.getByLabel("Password");
  await page.getByRole("listitem").filter({ hasText: "alice@example.com" }).getByRole("button", { name: "use" }).click();
  await expect(email).toHaveValue("alice@example.com");
  await expect(password).toBeFocused();
  await password.fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(alerts(page)).toHaveText("Invalid email or password.");
  await expect(email).toHaveValue("alice@example.com");
  await expect(password).toHaveValue("");

  const held = await hold(page, strategy, "POST", "/login");
  await password.fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await held.inFlight;
  await expect(page.getByRole("button", { name: "Signing in…" })).toBeDisabled();
  await expect(alerts(page)).toHaveCount(0); // the last attempt's error is gone
  await held.release();
  await expect(page).toHaveURL(new RegExp(`/${strategy}/notes$`));
  await expect(page.getByRole("button", { name: "Add note" })).toBeVisible();
});

test("a session lost mid-form sends the user to sign in, then back to the page", async ({ page, strategy }) => {
  await signIn(page, strategy, "alice@example.com");
  await page.getByRole("link", { name: "Notes" }).click();
  // Wait for the list: Auth.js's answer to that read re-sets its cookie, which would undo the sign-out below.
  await expect(page.getByRole("list", { name: "Your notes" }).or(page.getByText("No notes yet"))).toBeVisible();
  // Signed out behind the page's back (another tab, an expiry): the next API call gets 401.
  await page.context().clearCookies();
  await page.evaluate(() => localStorage.clear());
  await page.getByLabel("Title").fill("never saved");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(page).toHaveURL(new RegExp(`/${strategy}/login\\?next=%2F${strategy}%2Fnotes$`));
  await page.getByLabel("Email").fill("alice@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`/${strategy}/notes$`));
  await expect(page.getByTestId("note").filter({ hasText: "never saved" })).toHaveCount(0);
});
