import type { Metadata } from "next";
import { AttackLab } from "@/components/lab/AttackLab";
import { ATTACK_IDS, ATTACKS, attackExpectation } from "@/lib/catalog/attacks";
import { observedByCell, readSecurityResults } from "@/lib/server/data/security-results";
import { loadEnv } from "@/lib/server/env";

export const metadata: Metadata = {
  title: "Attack lab — Session Lab",
  description: "Fire the security catalog's attacks at each session strategy and see the request, the response and the verdict.",
};

// The environment (is the lab on?) and the suite's last results are read per request.
export const dynamic = "force-dynamic";

export default async function AttackLabPage() {
  const env = loadEnv();
  const results = await readSecurityResults();
  const observed = observedByCell(results);
  const attacks = ATTACK_IDS.map((id) => {
    const a = ATTACKS[id];
    return {
      ...a,
      cells: a.variants.map((variant) => {
        const { property, outcome } = attackExpectation(id, variant);
        const seen = observed.get(`${property.id}/${variant}`);
        return { variant, expected: outcome, suite: seen ? { observed: seen.observed, detail: seen.detail } : null };
      }),
      title: attackExpectation(id, a.variants[0]!).property.title,
      sources: attackExpectation(id, a.variants[0]!).property.sources,
    };
  });
  return (
    <AttackLab
      enabled={env.compareEnabled}
      vulnerablePages={env.vulnerablePagesEnabled}
      attacks={attacks}
      suiteRunAt={results?.runAt ?? null}
    />
  );
}
