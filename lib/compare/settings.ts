import { z } from "@/lib/zod";
import { SCENARIO_IDS, isScenarioId, type ScenarioId } from "@/lib/catalog/scenarios";
import { VARIANT_IDS, isVariantId, type VariantId } from "@/lib/catalog/variants";

// What a comparison run may be asked to do, with the bounds that keep it
// honest and finite. Client-safe: the server's run endpoint, the CLI and the
// page validate with the same function and get the same error codes.

/** Checks the runner makes besides the scenarios (lib/compare/probes.ts). */
export const PROBE_IDS = ["lifetime", "csrf", "refresh-reuse", "parallel-refresh"] as const;
export type ProbeId = (typeof PROBE_IDS)[number];
export const isProbeId = (value: unknown): value is ProbeId =>
  typeof value === "string" && (PROBE_IDS as readonly string[]).includes(value);

/** A row of the matrix: a scenario of the catalog, or one of the runner's probes. */
export type RowId = ScenarioId | ProbeId;

export interface RunSettings {
  variants: VariantId[];
  scenarios: ScenarioId[];
  probes: ProbeId[];
  /** Time between two replays of a credential, ms: the resolution of every measured window. */
  pollMs: number;
  /** Cells observed at once. */
  concurrency: number;
  /** How long past a credential's own expiry (lifetime + verifier tolerance) a cell keeps watching, s. */
  marginSeconds: number;
}

export const SETTING_BOUNDS = {
  pollMs: { min: 50, max: 2000 },
  concurrency: { min: 1, max: 96 },
  marginSeconds: { min: 0.5, max: 10 },
} as const;

export const DEFAULT_SETTINGS: RunSettings = {
  variants: [...VARIANT_IDS],
  scenarios: [...SCENARIO_IDS],
  probes: [...PROBE_IDS],
  pollMs: 250,
  concurrency: 64,
  marginSeconds: 1.5,
};

/** The error codes a bad request gets (lib/api-errors.ts). */
export type SettingsErrorCode = "invalid_body" | "unknown_variant" | "unknown_scenario" | "invalid_timing";

// Loose shapes first (wrong types → invalid_body), then the catalog and the bounds, each with its own code.
const loose = z
  .object({
    variants: z.array(z.string().max(64)).max(64).optional(),
    scenarios: z.array(z.string().max(64)).max(64).optional(),
    probes: z.array(z.string().max(64)).max(64).optional(),
    pollMs: z.number().optional(),
    concurrency: z.number().optional(),
    marginSeconds: z.number().optional(),
  })
  .strict();

export type SettingsResult = { ok: true; settings: RunSettings } | { ok: false; code: SettingsErrorCode; error: string };

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function bounded(name: keyof typeof SETTING_BOUNDS, value: number | undefined, integer: boolean): string | null {
  if (value === undefined) return null;
  const { min, max } = SETTING_BOUNDS[name];
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
    return `${name} must be ${integer ? "an integer " : ""}between ${min} and ${max} (got ${value}).`;
  }
  return null;
}

/** Validates a run request (anything JSON.parse may produce). Omitted fields take DEFAULT_SETTINGS. */
export function parseRunSettings(input: unknown): SettingsResult {
  const parsed = loose.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return { ok: false, code: "invalid_body", error: `Invalid run settings: ${where}${issue?.message ?? "invalid"}` };
  }
  const v = parsed.data;
  const unknownVariants = (v.variants ?? []).filter((id) => !isVariantId(id));
  if (unknownVariants.length > 0) {
    return {
      ok: false,
      code: "unknown_variant",
      error: `Unknown variant ${unknownVariants.map((id) => JSON.stringify(id)).join(", ")}. Use any of ${VARIANT_IDS.join(", ")}.`,
    };
  }
  const unknownRows = [...(v.scenarios ?? []).filter((id) => !isScenarioId(id)), ...(v.probes ?? []).filter((id) => !isProbeId(id))];
  if (unknownRows.length > 0) {
    return {
      ok: false,
      code: "unknown_scenario",
      error: `Unknown scenario or probe ${unknownRows.map((id) => JSON.stringify(id)).join(", ")}. Scenarios: ${SCENARIO_IDS.join(", ")}; probes: ${PROBE_IDS.join(", ")}.`,
    };
  }
  const variants = v.variants === undefined ? DEFAULT_SETTINGS.variants : unique(v.variants as VariantId[]);
  const scenarios = v.scenarios === undefined ? DEFAULT_SETTINGS.scenarios : unique(v.scenarios as ScenarioId[]);
  const probes = v.probes === undefined ? DEFAULT_SETTINGS.probes : unique(v.probes as ProbeId[]);
  if (variants.length === 0) return { ok: false, code: "unknown_variant", error: "Pick at least one variant." };
  if (scenarios.length + probes.length === 0) return { ok: false, code: "unknown_scenario", error: "Pick at least one scenario or probe." };
  const timing =
    bounded("pollMs", v.pollMs, true) ?? bounded("concurrency", v.concurrency, true) ?? bounded("marginSeconds", v.marginSeconds, false);
  if (timing) return { ok: false, code: "invalid_timing", error: timing };
  return {
    ok: true,
    settings: {
      // Catalog order, whatever order they were asked in: tables and exports line up run after run.
      variants: VARIANT_IDS.filter((id) => variants.includes(id)),
      scenarios: SCENARIO_IDS.filter((id) => scenarios.includes(id)),
      probes: PROBE_IDS.filter((id) => probes.includes(id)),
      pollMs: v.pollMs ?? DEFAULT_SETTINGS.pollMs,
      concurrency: v.concurrency ?? DEFAULT_SETTINGS.concurrency,
      marginSeconds: v.marginSeconds ?? DEFAULT_SETTINGS.marginSeconds,
    },
  };
}
