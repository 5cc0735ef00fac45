import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
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
      const ended = await revokeAll(id);
      await endPartnerSessionsOfUser(id, "admin-revoke");
      return json({ ok: true, sessionsEnded: ended });
    },
  }),
});
