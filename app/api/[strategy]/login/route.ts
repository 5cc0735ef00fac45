import { publicUser, requireProfile } from "@/lib/server/http/api-helpers";
import { apiRoute, errorResponse, json, endpoint } from "@/lib/server/http/route";
import { loginBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "public",
    body: loginBody,
    async handler({ strategy, ctx, body }) {
      const result = await strategy.signIn(body, ctx);
      if (!result.ok) {
        return result.reason === "disabled"
          ? errorResponse("account_disabled", "This account is disabled.")
          : errorResponse("invalid_credentials", "Invalid email or password.");
      }
      const user = publicUser(await requireProfile(result.user.id));
      return json(result.token ? { user, token: result.token, expiresAt: result.expiresAt } : { user, expiresAt: result.expiresAt });
    },
  }),
});
