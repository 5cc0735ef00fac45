import { handoff } from "@/lib/server/handoff";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";
import { isSameOriginRequest } from "@/lib/server/http/credential-context";
import { ApiError, json } from "@/lib/server/http/route";

// B: sign out of the partner app. Ends B's session only: the session on A is
// another site's, and signing out there is a separate act (the pages say so).
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async POST(req, ctx) {
    requireSide(ctx, "B");
    if (!isSameOriginRequest(req.headers, ctx.origin)) throw new ApiError("csrf", "Cross-origin request refused (CSRF protection).");
    const ended = await handoff().partner.end(ctx);
    return json({ ok: true, ended, note: `Signed out on ${ctx.origin} only; your session on ${handoff().origins.a} is unchanged.` });
  },
});
