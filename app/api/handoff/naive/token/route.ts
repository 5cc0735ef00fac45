import { handoff } from "@/lib/server/handoff";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";
import { isSameOriginRequest } from "@/lib/server/http/credential-context";
import { ApiError, json, profileSelection } from "@/lib/server/http/route";
import { getStrategy } from "@/lib/server/strategies";

// The naive contrast, on A: one long-lived JWT for the signed-in user that
// BOTH origins accept, kept by each origin's page script in localStorage.
// Deliberately weak (it is the "before" picture): nothing can end it early.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async POST(req, ctx) {
    requireSide(ctx, "A");
    // A comparison run may ask for the matrix profile (X-Session-Lab-Profile: matrix) to see it expire within the run.
    const selection = profileSelection(req);
    if (!isSameOriginRequest(req.headers, ctx.origin)) throw new ApiError("csrf", "Cross-origin request refused (CSRF protection).");
    const { user } = await getStrategy("stateful").validate(ctx);
    if (!user) throw new ApiError("not_signed_in", "Sign in on the main app (stateful) first.");
    const { token, expiresAt } = await handoff().naive[selection].issue(user);
    return json({ token, expiresAt, user: { id: user.id, name: user.name, role: user.role } });
  },
});
