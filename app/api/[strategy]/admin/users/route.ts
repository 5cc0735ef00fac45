import { listUsers } from "@/lib/server/data/users";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "admin",
    async handler({ user }) {
      return json({ users: await listUsers(), currentUserId: user.id });
    },
  }),
});
