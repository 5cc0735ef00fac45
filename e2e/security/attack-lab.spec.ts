import { ATTACK_IDS, ATTACKS } from "../../lib/catalog/attacks";
import { SECURITY_PROPERTIES } from "../../lib/catalog/security-properties";
import { expect, expectCleanError, test } from "./helpers";

// The attack lab (/lab/attacks, POST /api/lab/attacks) and the security matrix on /compare: hostile input
// and the origin check on the lab's own endpoint, every attack fired at every variant it applies to (each
// verdict must be what the catalog expects), and the pages.

test("[P2] the attack endpoint refuses hostile input and foreign origins with 4xx JSON", async ({ request, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const post = (data: string | Buffer, headers: Record<string, string> = {}) =>
    request.post("/api/lab/attacks", {
      data: Buffer.from(data),
      headers: { "content-type": "application/json", Origin: origin, ...headers },
    });
  await expectCleanError(await post(JSON.stringify({ attack: "alg-none", variant: "jwt" }), { Origin: "http://evil.test" }), 403);
  await expectCleanError(
    await post(JSON.stringify({ attack: "alg-none", variant: "jwt" }), { Origin: "", "Sec-Fetch-Site": "cross-site" }),
    403,
  );
  await expectCleanError(await post('{"attack":'), 400);
  await expectCleanError(await post("[]"), 400);
  await expectCleanError(await post(JSON.stringify({ attack: "rm -rf", variant: "jwt" })), 400);
  await expectCleanError(await post(JSON.stringify({ attack: "alg-none", variant: "nope" })), 400);
  await expectCleanError(await post(JSON.stringify({ attack: "alg-none", variant: "jwt", extra: 1 })), 400);
  const na = await expectCleanError(await post(JSON.stringify({ attack: "alg-none", variant: "stateful" })), 400);
  expect(na.error).toContain("n/a");
  await expectCleanError(await post(JSON.stringify({ attack: "alg-none", variant: "jwt", pad: "x".repeat(20_000) })), 413);
  await expectCleanError(await post("attack=alg-none", { "content-type": "text/plain" }), 415);
  await expectCleanError(await request.put("/api/lab/attacks", { headers: { Origin: origin } }), 405);
  await expectCleanError(await request.delete("/api/lab/attacks", { headers: { Origin: origin } }), 405);

  const list = await request.get("/api/lab/attacks");
  expect(list.status()).toBe(200);
  expect(list.headers()["cache-control"]).toBe("no-store");
  const body = await list.json();
  expect(body.attacks.map((a: { id: string }) => a.id)).toEqual([...ATTACK_IDS]);
});

test("every attack at every variant it applies to: the verdict is the catalog's", async ({ request, baseURL }) => {
  test.setTimeout(240_000);
  const origin = new URL(baseURL!).origin;
  const unexpected: string[] = [];
  let fired = 0;
  for (const id of ATTACK_IDS) {
    for (const variant of ATTACKS[id].variants) {
      const res = await request.post("/api/lab/attacks", { data: { attack: id, variant }, headers: { Origin: origin } });
      expect(res.status(), `${id} on ${variant}: ${await res.text()}`).toBe(200);
      const { result } = await res.json();
      fired++;
      expect(result.exchanges.length, `${id} on ${variant} shows what it sent`).toBeGreaterThan(0);
      // No credential is shown whole: long values are shortened.
      for (const x of result.exchanges) expect(JSON.stringify(x)).not.toMatch(/[A-Za-z0-9_-]{40,}/);
      if (!result.asExpected) unexpected.push(`${id} on ${variant}: ${result.explanation}`);
    }
  }
  expect(fired).toBeGreaterThan(60);
  expect(unexpected).toEqual([]);
});

test("the lab page fires an attack and shows the verdict; /compare shows the security matrix", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("main").getByRole("link", { name: "Attack lab" }).click();
  await expect(page.getByRole("heading", { name: "Attack lab" })).toBeVisible();
  await page.getByTestId("attack-select").selectOption("alg-none");
  await page.getByTestId("variant-select").selectOption("jwt");
  await expect(page.getByTestId("expectation")).toContainText("refused");
  await page.getByTestId("fire").click();
  await expect(page.getByTestId("verdict").first()).toHaveText("refused · as the catalog expects");
  await expect(page.getByLabel("request").first()).toContainText("GET /api/jwt/me");
  await expect(page.getByLabel("response").first()).toContainText("HTTP 401");

  await page.goto("/compare#security");
  const matrix = page.getByTestId("security-matrix");
  await expect(matrix).toBeVisible();
  await expect(matrix.locator("tbody tr[data-property]")).toHaveCount(SECURITY_PROPERTIES.length);
  await expect(page.getByTestId("security-J2-jwt")).toContainText("holds");
  await expect(page.getByTestId("security-R1-cookie")).toContainText("fails by design");
  await expect(page.getByTestId("security-J2-stateful")).toContainText("n/a");
});
