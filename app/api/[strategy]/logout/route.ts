import { VARIANTS } from "@/lib/catalog/variants";
import { announceRevocation } from "@/lib/server/invalidation";
import { endPartnerSessionsOf } from "@/lib/server/handoff";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  // Public: signing out must also clear a cookie the server no longer accepts.
  POST: endpoint({
    access: "public",
    async handler({ strategy, ctx }) {
      // A stateful session may have handed the user over to the partner origin: that session ends too (back-channel).
      const ending = VARIANTS[strategy.id].base === "stateful" ? await strategy.validate(ctx) : null;
      const sessionId = ending?.session?.id ?? null;
      await strategy.signOut(ctx);
      if (sessionId && strategy.id === "stateful") await endPartnerSessionsOf([sessionId], "sign-out");
      // Every instance's session cache drops it (stateful-cache).
      if (sessionId && ending?.user) await announceRevocation({ userId: ending.user.id, sessionIds: [sessionId], reason: "sign-out" });
      return json({ ok: true });
    },
  }),
});
