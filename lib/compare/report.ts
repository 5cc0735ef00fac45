import { describeDuration } from "@/lib/catalog/lifetimes";
import { SCENARIOS, SCENARIO_IDS, type ScenarioId } from "@/lib/catalog/scenarios";
import { VARIANTS, type VariantId } from "@/lib/catalog/variants";
import { replayLifetime } from "./measure";
import type { RowId } from "./settings";
import type { CellResult, RunResult, VariantCost } from "./types";

// What a run's numbers say, derived from that run only: short cell labels,
// the claims board, "what to pick" and what each mitigation costs. The page,
// the CLI and the Markdown export all render these, so they never disagree.

export function findCell(result: RunResult, variant: VariantId, row: RowId): CellResult | undefined {
  return result.cells.find((c) => c.variant === variant && c.row === row);
}

const s1 = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Seconds a window stayed open after the event: 0 at once, the closing bound, Infinity when it never closed. */
export function openSeconds(cell: CellResult | undefined): number | null {
  const obs = cell?.observation;
  if (!cell || !obs || cell.verdict === "error" || cell.outcome === null) return null;
  if (cell.outcome === "immediate") return 0;
  if (obs.closedAfter) return obs.closedAfter.high / 1000;
  return Number.POSITIVE_INFINITY;
}

export const VERDICT_MARK = { match: "✓", mismatch: "✗", inconclusive: "?", error: "!", "n/a": "–" } as const;

/** A matrix cell in a few characters: "✓ at once", "✓ 9.5 s", "✓ > 22.0 s (slides)", "✗ …". */
export function cellLabel(cell: CellResult | undefined): string {
  if (!cell) return "";
  const mark = VERDICT_MARK[cell.verdict];
  if (cell.verdict === "n/a") return `${mark} n/a`;
  if (cell.verdict === "error") return `${mark} error`;
  if (cell.checks) return `${mark} ${cell.checks.every((c) => c.ok) ? "holds" : "fails"}`;
  const obs = cell.observation;
  if (!obs) return mark;
  const stale = cell.kind === "scenario" && SCENARIOS[cell.row as ScenarioId].kind === "staleness";
  switch (cell.outcome) {
    case "immediate":
      return `${mark} ${stale ? "fresh at once" : "at once"}`;
    case "expiry":
    case "other":
      return `${mark} ${s1(obs.closedAfter!.high)}${cell.outcome === "expiry" ? " (expiry)" : ""}`;
    case "sliding":
      return `${mark} > ${s1(obs.openUntil!)} (slides)`;
    case "open":
      return `${mark} ≥ ${s1(obs.openUntil!)} (still open)`;
    default:
      return mark;
  }
}

// The cross-domain rows replay a flow's credential (B's session, the naive shared JWT), not the variant's
// own: they speak to "works across domains" only, never to a variant's own revocation record.
const CROSS_DOMAIN_SCENARIOS: readonly ScenarioId[] = ["cross-domain-sign-out", "cross-domain-disable"];
const REVOCATION_SCENARIOS = SCENARIO_IDS.filter((s) => SCENARIOS[s].kind === "revocation" && !CROSS_DOMAIN_SCENARIOS.includes(s));
const STALENESS_SCENARIOS = SCENARIO_IDS.filter((s) => SCENARIOS[s].kind === "staleness");

/** The worst window of a variant over some scenarios of this run (Infinity: one never closed), or null if none was measured. */
export function worstWindow(result: RunResult, variant: VariantId, scenarios: readonly ScenarioId[]): number | null {
  const values = scenarios.map((s) => openSeconds(findCell(result, variant, s))).filter((v): v is number => v !== null);
  return values.length === 0 ? null : Math.max(...values);
}

function allImmediate(result: RunResult, variant: VariantId, scenarios: readonly ScenarioId[]): boolean {
  const measured = scenarios.map((s) => findCell(result, variant, s)).filter((c) => c && c.verdict !== "n/a" && c.verdict !== "error");
  return measured.length > 0 && measured.every((c) => c!.outcome === "immediate");
}

function cost(result: RunResult, variant: VariantId): VariantCost | undefined {
  return result.costs.find((c) => c.variant === variant);
}

function lookupsText(c: VariantCost | undefined): string {
  if (!c || c.lookups.min === null) return "lookups not measured";
  const n = c.lookups.min === c.lookups.max ? `${c.lookups.min}` : `${c.lookups.min}–${c.lookups.max}`;
  return `${n} lookup${c.lookups.max === 1 && c.lookups.min === 1 ? "" : "s"} per check`;
}

function msText(value: number | null): string {
  return value === null ? "–" : `${value < 1 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function costText(result: RunResult, variant: VariantId): string {
  const c = cost(result, variant);
  return `${lookupsText(c)}, ${msText(c?.checkMs.median ?? null)} median check`;
}

/** How long something kept working: "14.1 s", "not at all", "indefinitely while used". */
function lastedText(seconds: number | null): string {
  if (seconds === null) return "an unmeasured time";
  if (seconds === 0) return "not at all";
  if (!Number.isFinite(seconds)) return "indefinitely while used";
  return `${seconds.toFixed(1)} s`;
}

function listVariants(ids: readonly VariantId[]): string {
  return ids.length === 0 ? "none" : ids.map((id) => `\`${id}\``).join(", ");
}

// ---------------------------------------------------------------------------
// Claims board

export type ClaimVerdict = "confirmed" | "refuted" | "partly" | "not measured";

export interface ClaimResult {
  id: string;
  claim: string;
  verdict: ClaimVerdict;
  /** One sentence: what this run's numbers say. */
  finding: string;
  /** The numbers behind it, from this run. */
  evidence: string[];
}

export function claims(result: RunResult): ClaimResult[] {
  const variants = result.settings.variants;
  const has = (v: VariantId) => variants.includes(v);
  const out: ClaimResult[] = [];

  // 1. Stateless scales / needs no lookup.
  {
    const measured = variants.filter((v) => cost(result, v)?.lookups.max !== null && cost(result, v)?.lookups.max !== undefined);
    const lookupFree = measured.filter((v) => cost(result, v)!.lookups.max === 0);
    const instant = variants.filter((v) =>
      allImmediate(
        result,
        v,
        REVOCATION_SCENARIOS.filter((s) => s !== "stolen-credential"),
      ),
    );
    const instantFree = instant.filter((v) => lookupFree.includes(v));
    const byTime = measured
      .filter((v) => cost(result, v)!.checkMs.median !== null)
      .sort((a, b) => cost(result, a)!.checkMs.median! - cost(result, b)!.checkMs.median!);
    const evidence = measured.map((v) => `\`${v}\`: ${costText(result, v)}`);
    if (byTime.length >= 2) {
      const slowestFree = [...byTime].reverse().find((v) => lookupFree.includes(v));
      const fastestLookup = byTime.find((v) => !lookupFree.includes(v));
      if (slowestFree && fastestLookup && cost(result, slowestFree)!.checkMs.median! > cost(result, fastestLookup)!.checkMs.median!) {
        evidence.push(
          `A lookup-free check is not automatically cheaper: \`${slowestFree}\` took ${msText(cost(result, slowestFree)!.checkMs.median)}, \`${fastestLookup}\` with its lookup ${msText(cost(result, fastestLookup)!.checkMs.median)}.`,
        );
      }
    }
    out.push({
      id: "no-lookup",
      claim: "Stateless sessions scale better: no database lookup per request",
      verdict:
        measured.length === 0 ? "not measured" : lookupFree.length === 0 ? "refuted" : instantFree.length > 0 ? "confirmed" : "partly",
      finding:
        lookupFree.length === 0
          ? "Every variant measured here made a lookup per check."
          : instantFree.length > 0
            ? `${listVariants(instantFree)} checked without a lookup and still revoked at once.`
            : `${listVariants(lookupFree)} made no lookup per check, but none of them ended a revoked credential on the next request${instant.length ? `; every variant that did (${listVariants(instant)}) made one` : ""}.`,
      evidence,
    });
  }

  // 2. JWT is more secure.
  if (has("jwt") && has("stateful")) {
    const jwtStolen = openSeconds(findCell(result, "jwt", "stolen-credential"));
    const statefulStolen = openSeconds(findCell(result, "stateful", "stolen-credential"));
    const revocations = REVOCATION_SCENARIOS.filter((s) => s !== "stolen-credential");
    const count = (v: VariantId) => revocations.filter((s) => findCell(result, v, s)?.outcome === "immediate").length;
    const measured = jwtStolen !== null && statefulStolen !== null;
    const jwtWorse = measured && jwtStolen! > statefulStolen! && count("jwt") <= count("stateful");
    out.push({
      id: "more-secure",
      claim: "JWT is more secure",
      verdict: !measured ? "not measured" : jwtWorse ? "refuted" : jwtStolen! < statefulStolen! ? "confirmed" : "partly",
      finding: !measured
        ? "The stolen-credential scenario was not measured for both."
        : `A script-stolen \`jwt\` kept working for ${lastedText(jwtStolen)} after the victim signed out (${findCell(result, "jwt", "stolen-credential")?.production}); what a script could take from \`stateful\` ${statefulStolen === 0 ? "was refused at once" : `kept working for ${lastedText(statefulStolen)}`}. \`jwt\` ended ${count("jwt")} of ${revocations.length} revocations on the next request, \`stateful\` ${count("stateful")}.`,
      evidence: ["jwt", "stateful", "jwt-denylist", "jwt-refresh"]
        .filter((v): v is VariantId => has(v as VariantId))
        .map((v) => `\`${v}\` stolen credential: ${findCell(result, v, "stolen-credential")?.summary ?? "not measured"}`),
    });
  }

  // 3. Built-in expiry.
  {
    const lifetimes = variants.map((v) => findCell(result, v, "lifetime")).filter((c): c is CellResult => !!c && c.verdict !== "n/a");
    const expired = lifetimes.filter((c) => c.outcome === "expiry");
    const sliding = result.cells.filter((c) => c.kind === "scenario" && c.outcome === "sliding");
    const slidingVariants = [...new Set(sliding.map((c) => c.variant))];
    const untilExpiry = variants.filter((v) => findCell(result, v, "sign-out")?.outcome === "expiry");
    out.push({
      id: "expiry",
      claim: "Tokens have built-in expiry",
      verdict:
        lifetimes.length === 0
          ? "not measured"
          : expired.length < lifetimes.length
            ? "refuted"
            : slidingVariants.length > 0 || untilExpiry.length > 0
              ? "partly"
              : "confirmed",
      finding:
        lifetimes.length === 0
          ? "The lifetime probe was not run."
          : `${expired.length} of ${lifetimes.length} credentials, replayed unchanged, were refused when their lifetime ran out. But expiry is not revocation: a signed-out copy kept working until then for ${listVariants(untilExpiry)}${slidingVariants.length ? `, and a copy in use never expired for ${listVariants(slidingVariants)} (it slides)` : ""}.`,
      evidence: lifetimes.map((c) => `\`${c.variant}\`: ${c.summary.split(". ")[0]} (configured: ${c.lifetime.text})`),
    });
  }

  // 4. Immune to CSRF.
  {
    const probes = variants.map((v) => findCell(result, v, "csrf")).filter((c): c is CellResult => !!c?.checks);
    const forged = (c: CellResult) => c.checks!.find((x) => x.label.startsWith("forged"));
    const nothingSent = probes.filter((c) => forged(c)?.observed.startsWith("401"));
    const defended = probes.filter((c) => forged(c)?.observed.startsWith("403"));
    const accepted = probes.filter((c) => forged(c)?.observed.startsWith("2"));
    out.push({
      id: "csrf",
      claim: "JWTs are immune to CSRF",
      verdict: probes.length === 0 ? "not measured" : accepted.length > 0 ? "refuted" : nothingSent.length > 0 ? "partly" : "refuted",
      finding:
        probes.length === 0
          ? "The cross-site probe was not run."
          : `A forged cross-site request authenticated nothing for ${listVariants(nothingSent.map((c) => c.variant))} (a bearer token is never attached by the browser, the same reason any script must be able to read it), and was refused only by the Origin check for ${listVariants(defended.map((c) => c.variant))}${accepted.length ? `; it was accepted for ${listVariants(accepted.map((c) => c.variant))}` : ""}.`,
      evidence: probes.map((c) => `\`${c.variant}\`: ${forged(c)?.observed ?? "?"}`),
    });
  }

  // 5. Works across domains.
  {
    const cookieVariants = result.costs.filter((c) => c.cookies.length > 0 && VARIANTS[c.variant].transport === "cookie");
    const hostOnly = cookieVariants.filter((c) => c.cookies.every((k) => k.domain === null));
    const bearer = variants.filter((v) => VARIANTS[v].transport === "bearer");
    const stolenBearer = bearer.map((v) => findCell(result, v, "stolen-credential")).filter((c): c is CellResult => !!c?.observation);
    // The cross-domain rows: the same user on two real origins, after sign-out or disabling on the first.
    const crossing = CROSS_DOMAIN_SCENARIOS.flatMap((s) => (["stateful", "jwt"] as const).map((v) => findCell(result, v, s))).filter(
      (c): c is CellResult => !!c?.observation,
    );
    const handoffClosed = crossing.filter((c) => c.variant === "stateful" && c.outcome === "immediate");
    const naiveOpen = crossing.filter((c) => c.variant === "jwt").map((c) => openSeconds(c) ?? 0);
    const parts = [
      bearer.length ? `A bearer token goes to whatever origin a script sends it to (${listVariants(bearer)}); so does a stolen one.` : "",
      cookieVariants.length
        ? `The cookie credentials were host-only (${hostOnly.length} of ${cookieVariants.length} had no Domain attribute): the browser sends them to this host alone, so crossing domains takes a deliberate handoff, not a shared long-lived token.`
        : "",
      crossing.length
        ? `Between two real origins, after sign-out or disabling on the first: ${handoffClosed.length ? `the one-time handoff's own session on the second was refused at once (${handoffClosed.length} of ${crossing.filter((c) => c.variant === "stateful").length} cells)` : "the one-time handoff was not refused at once"}${naiveOpen.length ? `, while the naive shared JWT kept working there for up to ${lastedText(Math.max(...naiveOpen))} (${findCell(result, "jwt", "cross-domain-sign-out")?.production ?? "its own lifetime"})` : ""}.`
        : "",
    ].filter(Boolean);
    out.push({
      id: "cross-domain",
      claim: "Tokens work across domains",
      verdict: parts.length === 0 ? "not measured" : "partly",
      finding: parts.length ? parts.join(" ") : "No credential was issued in this run.",
      evidence: [
        ...cookieVariants.map(
          (c) =>
            `\`${c.variant}\` Set-Cookie: ${c.cookies.map((k) => `${k.name} (${k.domain ? `Domain=${k.domain}` : "host-only"}, SameSite=${k.sameSite ?? "unset"}${k.httpOnly ? ", HttpOnly" : ""})`).join("; ")}`,
        ),
        ...stolenBearer.map((c) => `\`${c.variant}\` stolen token replayed from another client: ${c.summary}`),
        ...crossing.map((c) => `\`${c.variant}\` ${SCENARIOS[c.row as ScenarioId].label.toLowerCase()}: ${c.summary}`),
      ],
    });
  }

  // 6. Smaller on the wire.
  {
    const sized = result.costs
      .filter((c) => c.credentialBytes.median !== null)
      .sort((a, b) => a.credentialBytes.median! - b.credentialBytes.median!);
    const smallest = sized[0];
    const stateless = sized.filter((c) => VARIANTS[c.variant].base !== "stateful");
    const statefulSize = sized.find((c) => VARIANTS[c.variant].base === "stateful");
    out.push({
      id: "smaller",
      claim: "Stateless tokens are smaller on the wire",
      verdict: !smallest
        ? "not measured"
        : statefulSize && stateless.every((c) => c.credentialBytes.median! > statefulSize.credentialBytes.median!)
          ? "refuted"
          : "confirmed",
      finding: smallest
        ? `The smallest credential was \`${smallest.variant}\`'s at ${smallest.credentialBytes.median} bytes per request; the largest \`${sized.at(-1)!.variant}\`'s at ${sized.at(-1)!.credentialBytes.median} bytes.`
        : "No credential sizes were measured.",
      evidence: sized.map((c) => `\`${c.variant}\`: ${c.credentialBytes.median} bytes`),
    });
  }

  // 7. A denylist or short expiry fixes revocation.
  {
    const revocations = REVOCATION_SCENARIOS.filter((s) => s !== "stolen-credential" && result.settings.scenarios.includes(s));
    const measured = (["jwt-denylist", "jwt-refresh"] as const).filter((v) => has(v) && revocations.length > 0);
    const facts = measured.map((v) => {
      const immediate = revocations.filter((s) => findCell(result, v, s)?.outcome === "immediate");
      return { v, immediate, worst: worstWindow(result, v, revocations) };
    });
    const fixesAll = facts.length > 0 && facts.every((f) => f.immediate.length === revocations.length);
    const describe = (f: (typeof facts)[number]) =>
      `\`${f.v}\` ended ${f.immediate.length} of ${revocations.length} revocations on the next request${f.immediate.length ? ` (${f.immediate.map((s) => SCENARIOS[s].label.toLowerCase()).join(", ")})` : ""}; the longest took ${lastedText(f.worst)}, at ${costText(result, f.v)}${cost(result, f.v)?.refresh ? ` plus ${cost(result, f.v)!.refresh!.lookups} lookups per refresh` : ""}`;
    out.push({
      id: "mitigations-fix",
      claim: "A denylist or short expiry fixes revocation",
      verdict: facts.length === 0 ? "not measured" : fixesAll ? "confirmed" : "partly",
      finding: facts.length === 0 ? "Neither mitigation was run." : `${facts.map(describe).join(". ")}.`,
      evidence: facts.flatMap((f) =>
        revocations.map((s) => `\`${f.v}\` ${SCENARIOS[s].label.toLowerCase()}: ${findCell(result, f.v, s)?.summary ?? "not measured"}`),
      ),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------
// What each mitigation costs and buys

export interface MitigationEffect {
  variant: VariantId;
  base: VariantId;
  /** Scenarios this run saw closed at once with the mitigation and not without it. */
  closes: ScenarioId[];
  /** Lookups per check, base → mitigation (max seen). */
  lookups: [number | null, number | null];
  /** Median check time, base → mitigation, ms. */
  checkMs: [number | null, number | null];
  refreshLookups: number | null;
}

export function mitigationEffects(result: RunResult): MitigationEffect[] {
  return result.settings.variants
    .filter((v) => VARIANTS[v].adds !== null && result.settings.variants.includes(VARIANTS[v].base))
    .map((v) => {
      const base = VARIANTS[v].base;
      const closes = result.settings.scenarios.filter(
        (s) => findCell(result, v, s)?.outcome === "immediate" && findCell(result, base, s)?.outcome !== "immediate",
      );
      const [b, m] = [cost(result, base), cost(result, v)];
      return {
        variant: v,
        base,
        closes,
        lookups: [b?.lookups.max ?? null, m?.lookups.max ?? null],
        checkMs: [b?.checkMs.median ?? null, m?.checkMs.median ?? null],
        refreshLookups: m?.refresh?.lookups ?? null,
      };
    });
}

// ---------------------------------------------------------------------------
// What to pick

export interface Pick {
  need: string;
  answer: string;
}

export function whatToPick(result: RunResult): Pick[] {
  const variants = result.settings.variants;
  const revocations = REVOCATION_SCENARIOS.filter((s) => s !== "stolen-credential" && result.settings.scenarios.includes(s));
  const staleness = STALENESS_SCENARIOS.filter((s) => result.settings.scenarios.includes(s));
  const picks: Pick[] = [];
  const withCost = (ids: readonly VariantId[]) => ids.map((v) => `\`${v}\` (${costText(result, v)})`).join(", or ");
  const prod = (v: VariantId) => describeDuration(replayLifetime(v, "production").seconds);

  if (revocations.length > 0) {
    const instant = variants.filter((v) => allImmediate(result, v, revocations));
    const signOutOnly = variants.filter((v) => !instant.includes(v) && findCell(result, v, "sign-out")?.outcome === "immediate");
    picks.push({
      need: "Instant revocation (sign-out, sign-out everywhere, disabling, password change)",
      answer: instant.length
        ? `${withCost(instant)}: every revoked credential was refused on the next request.${signOutOnly.length ? ` ${listVariants(signOutOnly)} did so for sign-out only.` : ""}`
        : "No variant in this run refused every revoked credential on the next request.",
    });
  }
  if (staleness.length > 0) {
    const fresh = variants.filter((v) => allImmediate(result, v, staleness));
    picks.push({
      need: "Role and name changes on the next request",
      answer: fresh.length ? `${withCost(fresh)}.` : "No variant in this run served fresh roles and names on the next request.",
    });
  }
  {
    const free = variants.filter((v) => cost(result, v)?.lookups.max === 0);
    const ranked = free
      .map((v) => ({ v, worst: worstWindow(result, v, [...revocations, ...staleness]) }))
      .filter((x) => x.worst !== null)
      .sort((a, b) => a.worst! - b.worst!);
    if (ranked.length > 0) {
      const best = ranked[0]!;
      const bounded = Number.isFinite(best.worst!);
      picks.push({
        need: "No lookup per request",
        answer: bounded
          ? `\`${best.v}\` had the shortest worst window (${lastedText(best.worst)} here; up to ${prod(best.v)} under production lifetimes)${
              ranked.length > 1
                ? `; then ${ranked
                    .slice(1)
                    .map((x) => `\`${x.v}\` ${lastedText(x.worst)}`)
                    .join(", ")}`
                : ""
            }. Every revocation waits for expiry: keep the lifetime short.`
          : `Every lookup-free variant left some credential working indefinitely while used (${listVariants(ranked.map((x) => x.v))}).`,
      });
    }
  }
  if (result.settings.scenarios.includes("stolen-credential")) {
    const safe = variants.filter((v) => findCell(result, v, "stolen-credential")?.outcome === "immediate");
    const exposed = variants
      .map((v) => ({ v, w: openSeconds(findCell(result, v, "stolen-credential")) }))
      .filter((x) => x.w !== null && x.w > 0);
    picks.push({
      need: "Little to gain from an injected script",
      answer: `${listVariants(safe)}: nothing the script stole worked after the victim signed out.${exposed.length ? ` A stolen token kept working for ${exposed.map((x) => `\`${x.v}\` (${lastedText(x.w)} here, up to ${prod(x.v)} in production)`).join(", ")}.` : ""}`,
    });
  }
  {
    const sized = result.costs
      .filter((c) => c.credentialBytes.median !== null)
      .sort((a, b) => a.credentialBytes.median! - b.credentialBytes.median!);
    if (sized.length > 0) {
      picks.push({
        need: "Smallest requests",
        answer: `\`${sized[0]!.variant}\` (${sized[0]!.credentialBytes.median} bytes of credential per request; the largest, \`${sized.at(-1)!.variant}\`, ${sized.at(-1)!.credentialBytes.median}).`,
      });
    }
  }
  return picks;
}

/** Run-level one-liner: "82 as expected, 0 contradictions, …". */
export function countsText(result: RunResult): string {
  const c = result.counts;
  const parts = [`${c.match} as expected`, `${c.mismatch} contradicting the catalog`];
  if (c.inconclusive) parts.push(`${c.inconclusive} inconclusive`);
  if (c.error) parts.push(`${c.error} not measured (errors)`);
  if (c.na) parts.push(`${c.na} n/a`);
  return parts.join(", ");
}

export { s1 as secondsText };
