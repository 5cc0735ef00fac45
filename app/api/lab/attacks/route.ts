import { z } from "zod";
import { ATTACK_IDS, ATTACKS, attackExpectation } from "@/lib/catalog/attacks";
import { VARIANT_IDS } from "@/lib/catalog/variants";
import { requireCompareEnabled } from "@/lib/server/compare/http";
import { readSecurityResults } from "@/lib/server/data/security-results";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";
import { AttackBusy, runAttack } from "@/lib/server/lab/attacks";

// The attack lab (/lab/attacks, docs/security.md): GET lists the attacks with the catalog's expectation per
// variant; POST fires one at this server with throwaway accounts and answers with what was sent, what came
// back and the verdict. It creates accounts like the comparison lab does, so it is switched on and off
// with it (SESSION_LAB_COMPARE), takes POSTs from this app's own origin only, and runs two attacks at most at once.

const attackBody = z
  .object({
    attack: z.enum(ATTACK_IDS),
    variant: z.enum(VARIANT_IDS),
  })
  .strict();

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  GET: labEndpoint({
    async handler() {
      const results = await readSecurityResults();
      return json({
        attacks: ATTACK_IDS.map((id) => ({
          ...ATTACKS[id],
          expected: Object.fromEntries(ATTACKS[id].variants.map((v) => [v, attackExpectation(id, v).outcome])),
        })),
        suite: results ? { runAt: results.runAt } : null,
      });
    },
  }),
  POST: labEndpoint({
    body: attackBody,
    async handler({ body }) {
      requireCompareEnabled();
      if (!ATTACKS[body.attack].variants.includes(body.variant)) {
        throw new ApiError(
          "invalid_body",
          `Invalid body: ${body.attack} has nothing to test on ${body.variant} (${ATTACKS[body.attack].property} is n/a there). Use one of ${ATTACKS[body.attack].variants.join(", ")}.`,
        );
      }
      try {
        return json({ result: await runAttack(body.attack, body.variant) });
      } catch (error) {
        if (error instanceof AttackBusy) throw new ApiError("conflict", "Two attacks are already running; try again in a moment.");
        throw error;
      }
    },
  }),
});
