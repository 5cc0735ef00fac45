import { requireCapability } from "@/lib/server/http/api-helpers";
import { addServerTiming, apiRoute, endpoint, errorResponse, json } from "@/lib/server/http/route";
import type { RefreshResult } from "@/lib/server/strategies/types";
import { measure } from "@/lib/server/timing";

const FAILURES: Record<Exclude<RefreshResult, { ok: true }>["reason"], string> = {
  missing: "No refresh token was sent. Sign in again.",
  invalid: "The refresh token is not valid. Sign in again.",
  expired: "The refresh token has expired. Sign in again.",
  revoked: "This session has ended (signed out, revoked, or the account changed). Sign in again.",
  reused:
    "This refresh token was already used, so the session was ended on every device that held it (possible token theft). Sign in again.",
};

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  // Public: the access token may have expired; the refresh cookie is the credential.
  // The CSRF check of apiRoute applies (the variant has a cookie credential).
  POST: endpoint({
    access: "public",
    async handler({ strategy, ctx }) {
      const refresh = requireCapability(strategy, "refresh");
      const { result, timing } = await measure(() => refresh(ctx));
      const res = result.ok
        ? json({ user: result.user, token: result.token, expiresAt: result.expiresAt })
        : errorResponse(result.reason === "reused" ? "refresh_reused" : "not_signed_in", FAILURES[result.reason], {
            reason: result.reason,
          });
      addServerTiming(res, "refresh", timing);
      return res;
    },
  }),
});
