import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { requireCapability } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "user",
    async handler({ strategy, ctx, user }) {
      const revokeAll = requireCapability(strategy, "revokeAllSessions");
      const ended = await revokeAll(user.id);
      await strategy.signOut(ctx);
      await endPartnerSessionsOfUser(user.id, "revoke-all");
      return json({ ok: true, sessionsEnded: ended });
    },
  }),
});
