import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { SECURITY_RESULTS_FILE } from "@/lib/catalog/security-properties";

// What the last run of the e2e/security suite observed, as its reporter (e2e/security/reporter.ts) wrote it:
// property × variant → observed outcome, with the run's date. Read by /compare's security matrix and the
// attack lab. Absent until the suite has run on this machine; a malformed file is treated as absent.

const cell = z.object({
  property: z.string(),
  variant: z.string(),
  expected: z.string(),
  observed: z.enum(["holds", "fails", "error"]),
  detail: z.string(),
  status: z.string(),
});
const file = z.object({
  runAt: z.string(),
  finishedAt: z.string(),
  status: z.string(),
  baseURL: z.string().nullable(),
  cells: z.array(cell.passthrough()),
});

export type SecurityResults = z.infer<typeof file>;
export type ObservedCell = z.infer<typeof cell>;

export async function readSecurityResults(): Promise<SecurityResults | null> {
  let text: string;
  try {
    text = await readFile(path.join(process.cwd(), SECURITY_RESULTS_FILE), "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = file.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether an observation agrees with the catalog (a fails-by-design cell agrees when it was observed to fail). */
export function agrees(c: Pick<ObservedCell, "expected" | "observed">): boolean {
  return c.expected === "holds" ? c.observed === "holds" : c.expected === "fails-by-design" && c.observed === "fails";
}

/** One observation per property/variant: when several tests judged a cell, one that disagrees with the catalog wins. */
export function observedByCell(results: SecurityResults | null): Map<string, ObservedCell> {
  const map = new Map<string, ObservedCell>();
  for (const c of results?.cells ?? []) {
    const key = `${c.property}/${c.variant}`;
    const prior = map.get(key);
    if (!prior || agrees(prior)) map.set(key, c);
  }
  return map;
}
