import { endPartnerSessionsOf } from "@/lib/server/handoff";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  // Public: signing out must also clear a cookie the server no longer accepts.
  POST: endpoint({
    access: "public",
    async handler({ strategy, ctx }) {
      // A stateful session may have handed the user over to the partner origin: that session ends too (back-channel).
      const ending = strategy.id === "stateful" ? (await strategy.validate(ctx)).session : null;
      await strategy.signOut(ctx);
      if (ending) await endPartnerSessionsOf([ending.id], "sign-out");
      return json({ ok: true });
    },
  }),
});
