import { requireCapability } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "user",
    async handler({ strategy, session, user }) {
      const list = requireCapability(strategy, "listSessions");
      return json({ sessions: await list(user.id, session.id) });
    },
  }),
});
