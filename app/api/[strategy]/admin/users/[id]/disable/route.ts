import { VARIANTS } from "@/lib/catalog/variants";
import { announceRevocation } from "@/lib/server/invalidation";
import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { idParam, refuseSelf, requireAdminChange, requireAdminScope } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";
import { logSecurityEvent } from "@/lib/server/security-log";
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
      await announceRevocation({ userId: id, reason: "disable" });
      const logged = (sessionsEnded: number | null) =>
        logSecurityEvent({
          event: "disable",
          variant: strategy.id,
          actorId: user.id,
          targetId: id,
          disabled: body.disabled,
          sessionsEnded,
        });
      if (!body.disabled) {
        logged(null);
        return json({ user: profile });
      }
      // Whatever strategy the admin uses, the partner origin hears of it (back-channel logout).
      await endPartnerSessionsOfUser(id, "disabled");
      // A disabled user can no longer sign in; whether existing sessions end depends on the strategy.
      const revokeAll = strategy.capabilities.revokeAllSessions;
      const sessionsEnded =
        VARIANTS[strategy.id].base === "stateful" ? statefulSessionsEnded : revokeAll.supported ? await revokeAll.run(id) : null;
      logged(sessionsEnded);
      return json(revokeAll.supported ? { user: profile, sessionsEnded } : { user: profile, sessionsEnded: null, note: revokeAll.reason });
    },
  }),
});
