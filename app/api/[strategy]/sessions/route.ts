import { requireCapability } from "@/lib/server/http/api-helpers";
import { paginate, readPageRequest } from "@/lib/server/http/pagination";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "user",
    async handler({ req, strategy, session, user }) {
      const list = requireCapability(strategy, "listSessions");
      const page = readPageRequest(req.nextUrl.searchParams);
      // Newest first; each variant caps a user's sessions (20), so one read is bounded and the page is cut from it.
      const { items, nextCursor } = paginate(await list(user.id, session.id), page);
      return json({ sessions: items, nextCursor });
    },
  }),
});
