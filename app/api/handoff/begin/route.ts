import { begin } from "@/lib/server/handoff/flow";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";

// Step 1 of the handoff, on B: bind this browser (verifier cookie), then go to A. docs/handoff.md
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(req, ctx) {
    requireSide(ctx, "B");
    return begin(req, ctx);
  },
});
