import { expect, signIn, signOut, test } from "./fixtures";

// The same feature walk-through, run once per strategy (one Playwright project each).

test("sign in, rename, notes, admin rules, sign out", async ({ page, browser, strategy, baseURL }) => {
  const suffix = Date.now().toString(36);

  // Sign in and see the dashboard.
  await signIn(page, strategy, "alice@example.com");
  await expect(page.getByTestId("session-strategy")).toHaveText(strategy);
  await expect(page.getByTestId("profile-role")).toHaveText("admin");
  await expect(page.getByTestId("credential-bytes")).toContainText(/\d+ bytes/);

  // Rename: this browser's session shows the new name.
  await page.getByRole("link", { name: "Settings" }).click();
  const newName = `Alice ${suffix}`;
  await page.getByLabel("Name", { exact: true }).fill(newName);
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByText(`Saved: your name is now “${newName}”.`)).toBeVisible();
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByTestId("profile-name")).toHaveText(newName);

  // Add and delete a note.
  await page.getByRole("link", { name: "Notes" }).click();
  // The mode switcher offers the same page in every strategy.
  const modes = page.getByRole("navigation", { name: "Session strategy" });
  await expect(modes.getByRole("link", { name: "stateful" })).toHaveAttribute("href", "/stateful/notes");
  await expect(modes.getByRole("link", { name: "nextauth" })).toHaveAttribute("href", "/nextauth/notes");
  await expect(modes.getByRole("link", { name: strategy })).toHaveAttribute("aria-current", "true");
  const title = `Note ${strategy} ${suffix}`;
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Body").fill("protected data");
  await page.getByRole("button", { name: "Add note" }).click();
  const note = page.getByTestId("note").filter({ hasText: title });
  await expect(note).toBeVisible();
  await note.getByRole("button", { name: `Delete note ${title}` }).click();
  await expect(note).toHaveCount(0);

  // A member gets 403 on admin: the page and the API.
  const memberContext = await browser.newContext({ baseURL });
  const member = await memberContext.newPage();
  await signIn(member, strategy, "bob@example.com");
  await member.goto(`/${strategy}/admin`);
  await expect(member.getByText(/403 Forbidden/).first()).toBeVisible();
  await expect(member.getByRole("button", { name: "Sign out" })).toBeVisible(); // the strategy's frame stays
  const answer = await member.evaluate(async (s) => {
    const token = s === "jwt" ? JSON.parse(localStorage.getItem("session-lab.jwt") ?? "{}").token : null;
    const res = await fetch(`/api/${s}/admin/users`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
    return { status: res.status, code: (await res.json()).code };
  }, strategy);
  expect(answer).toEqual({ status: 403, code: "forbidden" });
  await memberContext.close();

  // The admin changes bob's role, and changes it back.
  await page.getByRole("link", { name: "Admin" }).click();
  const role = page.getByLabel("Role of bob@example.com");
  await role.selectOption("admin");
  await expect(page.getByText("Role of bob@example.com set to admin")).toBeVisible();
  await expect(role).toHaveValue("admin");
  await role.selectOption("member");
  await expect(page.getByText("Role of bob@example.com set to member")).toBeVisible();

  // The sign-in page notices an existing session.
  await page.goto(`/${strategy}/login`);
  await expect(page.getByText(`You are already signed in as ${newName}.`)).toBeVisible();
  await page.goto(`/${strategy}`);

  // Sign out: the app is closed again.
  await signOut(page);
  await page.goto(`/${strategy}`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

// Auth.js re-issues its cookie on every read. A read that was still on the wire
// when the user pressed "Sign out" used to answer after the sign-out and set the
// session cookie again: sign-out now waits for this page's requests first.
test("sign-out is not undone by a read that answers after it", async ({ page, strategy }) => {
  await signIn(page, strategy, "bob@example.com");
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(`**/api/${strategy}/me`, async (route) => {
    const response = await route.fetch();
    await held;
    await route.fulfill({ response });
  });
  await page.reload(); // the dashboard asks GET /me, which is held
  const signOutClick = page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForTimeout(300); // let the sign-out start while the read is held
  release();
  await signOutClick;
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.unroute(`**/api/${strategy}/me`);
  await page.goto(`/${strategy}`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});
