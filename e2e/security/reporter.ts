import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { SECURITY_RESULTS_FILE } from "../../lib/catalog/security-properties";

// Writes what the security suite observed (property × variant → observed outcome, with the run's date)
// to data/security-results.json (git-ignored). /compare's security matrix and the attack lab read it.
// A cell whose test failed before it reached a verdict is recorded as "error".

const ANNOTATION = "security-verdict"; // ./helpers.ts

interface Cell {
  property: string;
  variant: string;
  expected: string;
  observed: "holds" | "fails" | "error";
  detail: string;
  test: string;
  status: string;
}

export default class SecurityResultsReporter implements Reporter {
  private cells: Cell[] = [];
  private started = new Date();
  private ran = false;

  onBegin() {
    this.started = new Date();
  }

  onTestEnd(test: TestCase, result: TestResult) {
    // Relative to the project root: the checkout's own path may contain "security" too.
    if (!path.relative(process.cwd(), test.location.file).startsWith(path.join("e2e", "security") + path.sep)) return;
    this.ran = true;
    for (const a of result.annotations.filter((x) => x.type === ANNOTATION && x.description)) {
      const v = JSON.parse(a.description!) as Omit<Cell, "test" | "status">;
      // A verdict whose test then failed elsewhere still records what was seen for that cell.
      this.cells.push({ ...v, test: test.title, status: result.status });
    }
  }

  onEnd(result: FullResult) {
    if (!this.ran) return;
    mkdirSync(path.dirname(SECURITY_RESULTS_FILE), { recursive: true });
    const body = {
      runAt: this.started.toISOString(),
      finishedAt: new Date().toISOString(),
      status: result.status,
      baseURL: process.env.SECURITY_BASE_URL ?? null,
      cells: this.cells,
    };
    writeFileSync(SECURITY_RESULTS_FILE, JSON.stringify(body, null, 2) + "\n", { mode: 0o600 });
  }
}
