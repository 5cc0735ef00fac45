import { z } from "zod";
import { leaseRefusal, requireCompareEnabled } from "@/lib/server/compare/http";
import { RUN_LEASE_SECONDS } from "@/lib/server/compare/runs";
import { createLease } from "@/lib/server/data/compare";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";

// Throwaway accounts for a comparison run driven from elsewhere (the CLI):
// created with random passwords, scoped to the lease (their admins see and
// act on nothing else), and deleted by DELETE /api/compare/leases/{id}, or,
// if the caller never comes back, when the lease expires.
const leaseBody = z
  .object({
    members: z.number().int().min(0).max(300),
    admins: z.number().int().min(0).max(100),
  })
  .strict();

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  POST: labEndpoint({
    body: leaseBody,
    async handler({ body }) {
      requireCompareEnabled();
      if (body.members + body.admins === 0) throw new ApiError("invalid_body", "Invalid body: ask for at least one account.");
      const roles = [...Array<"member">(body.members).fill("member"), ...Array<"admin">(body.admins).fill("admin")];
      const result = await createLease({ kind: "run", accounts: roles, ttlSeconds: RUN_LEASE_SECONDS });
      if (!result.ok) throw leaseRefusal(result.refusal);
      const { lease } = result;
      return json(
        {
          lease: { id: lease.id, token: lease.token, expiresAt: lease.expiresAt.toISOString() },
          accounts: lease.accounts.map(({ id, email, password, role, name }) => ({ id, email, password, role, name })),
        },
        201,
      );
    },
  }),
});
