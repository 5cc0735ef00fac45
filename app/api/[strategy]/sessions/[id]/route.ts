import { announceRevocation } from "@/lib/server/invalidation";
import { endPartnerSessionsOf } from "@/lib/server/handoff";
import { idParam, requireCapability } from "@/lib/server/http/api-helpers";
import { logSecurityEvent } from "@/lib/server/security-log";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  DELETE: endpoint({
    access: "user",
    async handler({ strategy, ctx, session, user, params }) {
      const revoke = requireCapability(strategy, "revokeSession");
      const id = idParam(params);
      if (!(await revoke(user.id, id))) throw new ApiError("not_found", "No such session of yours.");
      logSecurityEvent({
        event: "revocation",
        variant: strategy.id,
        kind: "device",
        actorId: user.id,
        targetId: user.id,
        sessionsEnded: 1,
      });
      // Handoffs start from stateful sessions only: a partner-app session handed over from this one ends too.
      if (strategy.id === "stateful") await endPartnerSessionsOf([id], "revoke-device");
      // Revoking the current device is a sign-out: clear its cookie too.
      if (id === session.id) await strategy.signOut(ctx);
      await announceRevocation({ userId: user.id, sessionIds: [id], reason: "revoke-device" });
      return json({ ok: true, current: id === session.id });
    },
  }),
});
