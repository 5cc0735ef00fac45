import { apiRoute, json, endpoint } from "@/lib/server/http/route";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  // The bare session check and nothing else: what the credential asserts,
  // with no further database read. The benchmark uses it to price the check.
  GET: endpoint({
    access: "user",
    async handler({ session, user }) {
      return json({ user, session });
    },
  }),
});
