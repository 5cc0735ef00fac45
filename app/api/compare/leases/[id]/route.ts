import { LEASE_TOKEN_HEADER } from "@/lib/compare/accounts";
import { releaseLease } from "@/lib/server/data/compare";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { ApiError, json } from "@/lib/server/http/route";
import { pathId } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  // Ends the lease and deletes its accounts; only with the token its creation returned.
  DELETE: labEndpoint({
    async handler({ req, params }) {
      const id = pathId.safeParse(params.id);
      const token = req.headers.get(LEASE_TOKEN_HEADER);
      const deleted = id.success && token && token.length <= 128 ? await releaseLease(id.data, token) : null;
      // One answer for "no such lease" and "not your token": the id alone reveals nothing.
      if (deleted === null) throw new ApiError("not_found", "No such lease, or the token does not match.");
      return json({ ok: true, accountsDeleted: deleted });
    },
  }),
});
