import { announceRevocation } from "@/lib/server/invalidation";
import { idParam, refuseSelf, requireAdminChange, requireAdminScope } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";
import { logSecurityEvent } from "@/lib/server/security-log";
import { roleBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    body: roleBody,
    async handler({ strategy, user, params, body }) {
      const id = idParam(params);
      refuseSelf(user, id, "change the role of");
      await requireAdminScope(user.id, id);
      const { profile } = await requireAdminChange(user.id, id, { role: body.role });
      await announceRevocation({ userId: id, reason: "role-change" });
      logSecurityEvent({ event: "role-change", variant: strategy.id, actorId: user.id, targetId: id, role: body.role });
      return json({ user: profile });
    },
  }),
});
