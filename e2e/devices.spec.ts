import { STRATEGIES } from "../lib/strategies";
import { DEMO_PASSWORD, expect, signIn, test } from "./fixtures";

// Devices page: the stateful strategy revokes another browser's session; the
// others say, in the words of the shared catalog, why they cannot.

test("devices: revoke another browser, or see why the strategy cannot", async ({ page, browser, baseURL, strategy, playwright }) => {
  const other = await browser.newContext({ baseURL });
  const otherPage = await other.newPage();
  await signIn(otherPage, strategy, "bob@example.com");
  // A script signed in too: it is not a browser, and the list says so.
  const script = await playwright.request.newContext({ baseURL, userAgent: "curl/8.5.0" });
  expect((await script.post(`/api/${strategy}/login`, { data: { email: "bob@example.com", password: DEMO_PASSWORD } })).status()).toBe(200);
  await signIn(page, strategy, "bob@example.com");
  await page.getByRole("link", { name: "Devices" }).click();

  const caps = STRATEGIES[strategy].capabilities;
  if (caps.listSessions !== true) {
    await expect(page.getByTestId("devices-unsupported")).toContainText(caps.listSessions);
    // The other browser is unaffected by anything this one can do.
    await otherPage.reload();
    await expect(otherPage.getByTestId("profile-email")).toHaveText("bob@example.com");
  } else {
    const devices = page.getByTestId("device");
    // Browser and OS in words, the raw User-Agent on hover.
    const self = devices.filter({ hasText: "This browser" });
    await expect(self).toHaveCount(1);
    await expect(self.locator("strong")).toHaveText("This browser (Chrome on Linux)");
    await expect(self.locator("strong")).toHaveAttribute("title", await page.evaluate(() => navigator.userAgent));
    await expect(devices.filter({ hasText: "curl 8.5.0 (not a browser)" }).locator("strong")).toHaveAttribute("title", "curl/8.5.0");
    const count = await devices.count();
    expect(count).toBeGreaterThanOrEqual(2);
    await devices.filter({ hasNotText: "This browser" }).first().getByRole("button", { name: "Revoke" }).click();
    await expect(page.getByText("Session revoked")).toBeVisible();
    await expect(devices).toHaveCount(count - 1);
    // Revoking every other session signs the other browser out on its next request.
    await page.reload();
    await expect(self).toHaveCount(1); // the list is loaded again
    while ((await devices.filter({ hasNotText: "This browser" }).count()) > 0) {
      const before = await devices.count();
      await devices.filter({ hasNotText: "This browser" }).first().getByRole("button", { name: "Revoke" }).click();
      await expect(devices).toHaveCount(before - 1);
    }
    await otherPage.goto(`/${strategy}/notes`);
    await expect(otherPage.getByRole("button", { name: "Sign in" })).toBeVisible();
    // The revoked browser is asked to sign in and is brought back to the page it wanted.
    await expect(otherPage).toHaveURL(new RegExp(`/${strategy}/login\\?next=%2F${strategy}%2Fnotes$`));
    // Sign out everywhere ends this one too.
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  }
  await other.close();
  await script.dispose();
});
