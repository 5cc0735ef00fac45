import { test as base, expect, type Page } from "@playwright/test";
import { DEFAULT_DEMO_PASSWORD } from "../lib/demo-accounts";
import type { VariantId } from "../lib/catalog/variants";
import type { StrategyId } from "../lib/strategies";

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? DEFAULT_DEMO_PASSWORD;

/** Each Playwright project sets `strategy`; the UI specs run once per strategy (the route groups). */
export const test = base.extend<{ strategy: StrategyId }>({
  strategy: ["stateful", { option: true }],
});

/** The API specs also run for each mitigation variant (see playwright.config.ts), so their `strategy` is any variant id. */
export const apiTest = base.extend<{ strategy: VariantId }>({
  strategy: ["stateful", { option: true }],
});

export { expect };

export async function signIn(page: Page, strategy: StrategyId, email: string, password = DEMO_PASSWORD) {
  await page.goto(`/${strategy}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("profile-email")).toHaveText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}
