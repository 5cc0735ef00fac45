import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { idParam, requireAdminScope, requireCapability, requireProfile } from "@/lib/server/http/api-helpers";
import { logSecurityEvent } from "@/lib/server/security-log";
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
      logSecurityEvent({
        event: "revocation",
        variant: strategy.id,
        kind: "admin-revoke",
        actorId: user.id,
        targetId: id,
        sessionsEnded: ended,
      });
      await endPartnerSessionsOfUser(id, "admin-revoke");
      return json({ ok: true, sessionsEnded: ended });
    },
  }),
});
