import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { idParam, refuseSelf, requireAdminChange, requireAdminScope } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";
import { disableBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    body: disableBody,
    async handler({ strategy, user, params, body }) {
      const id = idParam(params);
      refuseSelf(user, id, "disable");
      await requireAdminScope(user.id, id);
      // Disabling bumps the session version and deletes the user's stateful sessions in the same transaction.
      const { profile, statefulSessionsEnded } = await requireAdminChange(user.id, id, { disabled: body.disabled });
      if (!body.disabled) return json({ user: profile });
      // Whatever strategy the admin uses, the partner origin hears of it (back-channel logout).
      await endPartnerSessionsOfUser(id, "disabled");
      // A disabled user can no longer sign in; whether existing sessions end depends on the strategy.
      const revokeAll = strategy.capabilities.revokeAllSessions;
      if (strategy.id === "stateful") return json({ user: profile, sessionsEnded: statefulSessionsEnded });
      if (revokeAll.supported) return json({ user: profile, sessionsEnded: await revokeAll.run(id) });
      return json({ user: profile, sessionsEnded: null, note: revokeAll.reason });
    },
  }),
});
