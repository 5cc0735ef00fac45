import { handoff } from "@/lib/server/handoff";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";
import { ApiError, json } from "@/lib/server/http/route";

// B: this browser's partner session (B's own stateful session, created by a handoff).
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(_req, ctx) {
    requireSide(ctx, "B");
    const view = await handoff().partner.validate(ctx);
    if (!view) throw new ApiError("not_signed_in", "Not signed in on the partner app, or the session has ended.");
    return json(view);
  },
});
