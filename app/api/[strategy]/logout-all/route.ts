import { announceRevocation } from "@/lib/server/invalidation";
import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { requireCapability } from "@/lib/server/http/api-helpers";
import { logSecurityEvent } from "@/lib/server/security-log";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "user",
    async handler({ strategy, ctx, user }) {
      const revokeAll = requireCapability(strategy, "revokeAllSessions");
      const ended = await revokeAll(user.id);
      logSecurityEvent({
        event: "revocation",
        variant: strategy.id,
        kind: "sign-out-everywhere",
        actorId: user.id,
        targetId: user.id,
        sessionsEnded: ended,
      });
      await strategy.signOut(ctx);
      await endPartnerSessionsOfUser(user.id, "revoke-all");
      await announceRevocation({ userId: user.id, reason: "revoke-all" });
      return json({ ok: true, sessionsEnded: ended });
    },
  }),
});
