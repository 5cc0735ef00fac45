import { idParam, requireAdminScope, requireCapability, requireProfile } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    async handler({ strategy, user, params }) {
      const revokeAll = requireCapability(strategy, "revokeAllSessions");
      const id = idParam(params);
      await requireAdminScope(user.id, id);
      await requireProfile(id);
      return json({ ok: true, sessionsEnded: await revokeAll(id) });
    },
  }),
});
