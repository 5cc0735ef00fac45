import { authorize } from "@/lib/server/handoff/flow";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";

// Step 2 of the handoff, on A: mint the one-time token for A's signed-in user, send the browser to B. docs/handoff.md
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(req, ctx) {
    requireSide(ctx, "A");
    return authorize(req, ctx);
  },
});
