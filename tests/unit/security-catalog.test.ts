import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CATEGORIES, SECURITY_PROPERTIES, SECURITY_PROPERTY_IDS } from "@/lib/catalog/security-properties";
import { VARIANT_IDS } from "@/lib/catalog/variants";

const SUITE_DIR = path.join(import.meta.dirname, "../../e2e/security");

/** Every `[ID]` tag in the suite's spec files: tests name the property they assert as `[C1]`. */
function taggedIds(): Set<string> {
  const ids = new Set<string>();
  for (const file of readdirSync(SUITE_DIR).filter((f) => f.endsWith(".spec.ts"))) {
    for (const m of readFileSync(path.join(SUITE_DIR, file), "utf8").matchAll(/\[([A-Z]\d{1,2})\]/g)) ids.add(m[1]!);
  }
  return ids;
}

describe("the security-property catalog", () => {
  it("has unique ids of the form letter + number, each in a known category", () => {
    expect(new Set(SECURITY_PROPERTY_IDS).size).toBe(SECURITY_PROPERTY_IDS.length);
    for (const p of SECURITY_PROPERTIES) {
      expect(p.id).toMatch(/^[A-Z]\d{1,2}$/);
      expect(Object.keys(CATEGORIES)).toContain(p.category);
    }
  });

  it("covers at least the 53 properties of the reference list", () => {
    expect(SECURITY_PROPERTIES.length).toBeGreaterThanOrEqual(53);
  });

  it("states a source, a statement and how it is tested for every property", () => {
    for (const p of SECURITY_PROPERTIES) {
      expect(p.sources.length, p.id).toBeGreaterThan(0);
      expect(p.statement.length, p.id).toBeGreaterThan(20);
      expect(p.test.length, p.id).toBeGreaterThan(20);
    }
  });

  it("gives every variant an outcome for every property, with a reason unless it holds", () => {
    for (const p of SECURITY_PROPERTIES) {
      expect(Object.keys(p.expected).sort(), p.id).toEqual([...VARIANT_IDS].sort());
      for (const v of VARIANT_IDS) {
        const cell = p.expected[v];
        expect(["holds", "fails-by-design", "n/a"], `${p.id}/${v}`).toContain(cell.outcome);
        if (cell.outcome !== "holds") expect(cell.reason.length, `${p.id}/${v}`).toBeGreaterThan(10);
      }
    }
  });

  it("has something to assert for every property on at least one variant", () => {
    for (const p of SECURITY_PROPERTIES) {
      expect(
        VARIANT_IDS.some((v) => p.expected[v].outcome !== "n/a"),
        p.id,
      ).toBe(true);
    }
  });

  it("is asserted by the e2e/security suite: every property id is tagged in a spec, and no tag is unknown", () => {
    const tagged = taggedIds();
    const missing = SECURITY_PROPERTY_IDS.filter((id) => !tagged.has(id));
    expect(missing).toEqual([]);
    const unknown = [...tagged].filter((id) => !SECURITY_PROPERTY_IDS.includes(id));
    expect(unknown).toEqual([]);
  });
});
