import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  // Public: signing out must also clear a cookie the server no longer accepts.
  POST: endpoint({
    access: "public",
    async handler({ strategy, ctx }) {
      await strategy.signOut(ctx);
      return json({ ok: true });
    },
  }),
});
