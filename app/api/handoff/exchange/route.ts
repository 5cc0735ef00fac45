import { exchange } from "@/lib/server/handoff/flow";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";

// Step 3 of the handoff, on B: exchange the token for B's own session, 303 to a clean URL. docs/handoff.md
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(req, ctx) {
    requireSide(ctx, "B");
    return exchange(req, ctx);
  },
});
