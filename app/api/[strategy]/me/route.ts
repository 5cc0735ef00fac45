import { requireOwnProfile } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "user",
    async handler({ session, user }) {
      // `user` is what the session asserts (claims for stateless strategies);
      // `database` is the current row, so staleness is visible side by side.
      const row = await requireOwnProfile(user.id);
      return json({
        user: { id: user.id, email: row.email, name: user.name, role: user.role },
        session,
        database: { name: row.name, role: row.role, disabled: row.disabled },
      });
    },
  }),
});
