import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import type { CookieFacts, Timed } from "./client";
import { distribution } from "./measure";
import type { CellResult, VariantCost } from "./types";

// Per-request cost of each variant, from this run's own requests: every
// response that ran a session check carries its duration and lookup counts in
// Server-Timing, and GET /me says how many bytes the credential weighed.

export function computeCosts(
  variants: readonly VariantId[],
  timings: ReadonlyMap<VariantId, readonly Timed[]>,
  quiet: ReadonlyMap<VariantId, readonly Timed[]>,
  cookies: ReadonlyMap<VariantId, readonly CookieFacts[]>,
  cells: readonly CellResult[],
): VariantCost[] {
  return variants.map((variant) => {
    const all = timings.get(variant) ?? [];
    // Lookup counts come from every valid check of the run; check times from the quiet phase (see the engine).
    const calm = (quiet.get(variant) ?? []).filter((t) => t.phase === "session" && t.valid);
    const valid = [...all.filter((t) => t.phase === "session" && t.valid), ...calm];
    const refused = all.filter((t) => t.phase === "session" && !t.valid);
    const refreshes = all.filter((t) => t.phase === "refresh");
    const lookups = valid.map((t) => t.timing.db.count + t.timing.redis.count);
    const bytes = cells
      .filter((c) => c.variant === variant)
      .flatMap((c) => c.samples.flatMap((s) => (s.bytes === undefined ? [] : [s.bytes])));
    const refreshLookups = refreshes.map((t) => t.timing.db.count + t.timing.redis.count);
    return {
      variant,
      checks: valid.length,
      lookups: {
        min: lookups.length ? Math.min(...lookups) : null,
        max: lookups.length ? Math.max(...lookups) : null,
        db: valid.length ? Math.max(...valid.map((t) => t.timing.db.count)) : null,
        redis: valid.length ? Math.max(...valid.map((t) => t.timing.redis.count)) : null,
      },
      expectedLookups: VARIANTS[variant].lookupsPerCheck,
      checkMs: distribution(calm.map((t) => t.timing.durationMs)),
      loadedCheckMs: distribution(all.filter((t) => t.phase === "session" && t.valid).map((t) => t.timing.durationMs)),
      rejectedCheckMs: distribution(refused.map((t) => t.timing.durationMs)),
      credentialBytes: distribution(bytes),
      refresh: refreshes.length
        ? {
            count: refreshes.length,
            lookups: refreshLookups.length ? Math.max(...refreshLookups) : null,
            ms: distribution(refreshes.map((t) => t.timing.durationMs)),
          }
        : null,
      cookies: [...(cookies.get(variant) ?? [])],
    };
  });
}
