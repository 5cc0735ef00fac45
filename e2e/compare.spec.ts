import { spawn } from "node:child_process";
import type { RunResult } from "../lib/compare/types";
import { VARIANT_IDS } from "../lib/catalog/variants";
import { expect, test } from "./fixtures";

// The /compare page runs the whole matrix against this server, cell by cell,
// and its key cells say what the catalog says; the CLI, run against the same
// server, observes the same outcomes.

const cell = (variant: string, row: string) => `cell-${variant}/${row}`;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/compare.ts", ...args]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

test.describe.configure({ mode: "serial" });

let pageRun: RunResult;

test("the page runs the matrix cell by cell, and its key cells agree with the catalog", async ({ page, request }) => {
  test.setTimeout(150_000);
  await page.goto("/compare");
  // The latest npm run bench sits next to the matrix: its figures, or how to get them (bench-results/ is machine-local).
  const bench = page.getByTestId("bench-panel");
  await expect(bench.getByRole("heading", { name: "What a check costs under load" })).toBeVisible();
  await expect(
    bench.getByTestId("bench-none").or(bench.getByTestId("bench-summary")).or(bench.getByTestId("bench-unreadable")),
  ).toBeVisible();
  await page.getByRole("button", { name: "Run", exact: true }).click();
  // Progress streams in while the run goes: a cell finishes long before the run does.
  await expect(page.getByTestId(cell("stateful", "sign-out"))).toHaveAttribute("data-state", "done", { timeout: 30_000 });
  await expect(page.getByRole("progressbar", { name: "Cells finished" })).toBeVisible();
  await expect(page.getByTestId("run-summary")).toBeVisible({ timeout: 100_000 });

  // stateful refuses a replayed credential at once after sign-out.
  await expect(page.getByTestId(cell("stateful", "sign-out"))).toHaveAttribute("data-outcome", "immediate");
  await expect(page.getByTestId(cell("stateful", "sign-out"))).toHaveAttribute("data-verdict", "match");
  // jwt without a mitigation accepts it until its expiry.
  await expect(page.getByTestId(cell("jwt", "sign-out"))).toHaveAttribute("data-outcome", "expiry");
  await expect(page.getByTestId(cell("jwt", "sign-out"))).toHaveAttribute("data-verdict", "match");
  // The denylist variant refuses at once.
  await expect(page.getByTestId(cell("jwt-denylist", "sign-out"))).toHaveAttribute("data-outcome", "immediate");
  await expect(page.getByTestId(cell("jwt-denylist", "sign-out"))).toHaveAttribute("data-verdict", "match");
  // The refresh-rotation variant detects reuse, and two parallel refreshes do not sign the user out.
  await expect(page.getByTestId(cell("jwt-refresh", "refresh-reuse"))).toHaveAttribute("data-verdict", "match");
  await expect(page.getByTestId("row-refresh-reuse")).toContainText("spent token again after the 2 s grace window: 401 refresh_reused");
  await expect(page.getByTestId(cell("jwt-refresh", "parallel-refresh"))).toHaveAttribute("data-verdict", "match");
  await expect(page.getByTestId("row-parallel-refresh")).toContainText("both tabs afterwards (GET /me): 200 and 200");
  // Across two origins (docs/handoff.md): the one-time handoff's own session on B is refused at once after
  // sign-out or disabling on A; the naive shared JWT is accepted until it expires; no other variant has a flow.
  for (const row of ["cross-domain-sign-out", "cross-domain-disable"]) {
    await expect(page.getByTestId(cell("stateful", row))).toHaveAttribute("data-outcome", "immediate");
    await expect(page.getByTestId(cell("stateful", row))).toHaveAttribute("data-verdict", "match");
    await expect(page.getByTestId(cell("jwt", row))).toHaveAttribute("data-outcome", "expiry");
    await expect(page.getByTestId(cell("jwt", row))).toHaveAttribute("data-verdict", "match");
    await expect(page.getByTestId(cell("cookie", row))).toHaveAttribute("data-verdict", "n/a");
  }
  // Every variant whose credentials expire was seen expiring.
  for (const v of VARIANT_IDS) {
    await expect(page.getByTestId(cell(v, "lifetime"))).toHaveAttribute("data-outcome", "expiry");
  }

  // The timeline reads out to a screen reader: a titled image whose description names every variant's outcome.
  const chart = page.getByRole("img", { name: /Sign-out: what each variant's credential did after the event/ });
  await expect(chart).toBeVisible();
  await expect(chart.locator("desc")).toContainText("stateful: rejected on the first request");
  await expect(page.getByRole("list", { name: "Legend" }).first()).toContainText("still accepted");
  // Costs, claims and what to pick come from the run.
  await expect(page.getByTestId("cost-jwt-denylist")).toContainText("1 (1)");
  await expect(page.getByTestId("claims")).toContainText("Stateless tokens are smaller on the wire");
  await expect(page.getByTestId("what-to-pick")).toContainText("Instant revocation");

  // The run is in the history, reopens, and exports.
  const runId = new URL(page.url()).searchParams.get("run")!;
  expect(runId).toMatch(/^run_/);
  const stored = await request.get(`/api/compare/runs/${runId}`);
  expect(stored.status()).toBe(200);
  pageRun = (await stored.json()).run.result;
  expect(pageRun.status).toBe("done");
  await expect(page.getByTestId("history").locator(`tr[data-run="${runId}"]`)).toBeVisible();
  for (const [format, type] of [
    ["json", "application/json"],
    ["csv", "text/csv"],
    ["md", "text/markdown"],
  ]) {
    const res = await request.get(`/api/compare/runs/${runId}/export?format=${format}`);
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain(type);
    expect(res.headers()["content-disposition"]).toContain(`session-lab-${runId}.${format}`);
  }
  const reopened = await page.context().newPage();
  await reopened.goto(`/compare?run=${runId}`);
  await expect(reopened.getByTestId("run-summary")).toContainText(runId);
  await expect(reopened.getByTestId(cell("jwt", "sign-out"))).toHaveAttribute("data-outcome", "expiry");
  await reopened.close();
});

test("the CLI, run against the same server, observes what the page observed", async ({ baseURL }) => {
  test.setTimeout(90_000);
  expect(pageRun, "the page's run must have finished").toBeTruthy();
  const variants = ["stateful", "jwt", "jwt-denylist", "jwt-refresh"];
  const scenarios = ["sign-out", "stolen-credential", "role-demotion"];
  const probes = ["refresh-reuse", "parallel-refresh"];
  const { code, stdout, stderr } = await cli([
    baseURL!,
    "--json",
    "--quiet",
    "--variants",
    variants.join(","),
    "--scenarios",
    scenarios.join(","),
    "--probes",
    probes.join(","),
  ]);
  expect(stderr).toBe("");
  const cliRun = JSON.parse(stdout) as RunResult;
  expect(cliRun.source).toBe("cli");
  for (const c of cliRun.cells) {
    const same = pageRun.cells.find((p) => p.variant === c.variant && p.row === c.row)!;
    expect({ cell: `${c.variant}/${c.row}`, verdict: c.verdict, outcome: c.outcome }).toEqual({
      cell: `${same.variant}/${same.row}`,
      verdict: same.verdict,
      outcome: same.outcome,
    });
  }
  expect(cliRun.cells).toHaveLength(variants.length * (scenarios.length + probes.length));
  expect(code).toBe(cliRun.counts.mismatch > 0 ? 1 : 0);
});
