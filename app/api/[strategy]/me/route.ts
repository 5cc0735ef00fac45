import { getProfile } from "@/lib/server/data/users";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  GET: endpoint({
    access: "user",
    async handler({ session, user }) {
      // `user` is what the session asserts (claims for stateless strategies);
      // `database` is the current row, so staleness is visible side by side.
      const row = await getProfile(user.id);
      return json({
        user: { id: user.id, email: row?.email ?? null, name: user.name, role: user.role },
        session,
        database: row ? { name: row.name, role: row.role, disabled: row.disabled } : null,
      });
    },
  }),
});
