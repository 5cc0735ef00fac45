import { updateUser } from "@/lib/server/data/users";
import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { idParam, refuseSelf, requireAdminScope } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { disableBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    body: disableBody,
    async handler({ strategy, user, params, body }) {
      const id = idParam(params);
      refuseSelf(user, id, "disable");
      await requireAdminScope(user.id, id);
      const updated = await updateUser(id, { disabled: body.disabled });
      if (!updated) throw new ApiError("not_found", "User not found.");
      if (!body.disabled) return json({ user: updated });
      // Whatever strategy the admin uses, the partner origin hears of it (back-channel logout).
      await endPartnerSessionsOfUser(id, "disabled");
      // A disabled user can no longer sign in; whether existing sessions end depends on the strategy.
      const revokeAll = strategy.capabilities.revokeAllSessions;
      if (revokeAll.supported) return json({ user: updated, sessionsEnded: await revokeAll.run(id) });
      return json({ user: updated, sessionsEnded: null, note: revokeAll.reason });
    },
  }),
});
