import { listUsers } from "@/lib/server/data/users";
import { adminScope } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "admin",
    async handler({ user }) {
      // Only the users of the admin's own scope (a comparison run's admin sees its run's accounts only).
      return json({ users: await listUsers(await adminScope(user.id)), currentUserId: user.id });
    },
  }),
});
