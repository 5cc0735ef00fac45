import { handoff, handoffSide } from "@/lib/server/handoff";
import { handoffRoute } from "@/lib/server/handoff/http";
import { json } from "@/lib/server/http/route";

// Public: the app's two origins (no secret, the pages show them), so a comparison run from anywhere
// (npm run compare) can reach both sides of the cross-domain scenarios.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(_req, ctx) {
    const { origins } = handoff();
    return json({ a: origins.a, b: origins.b, side: handoffSide(ctx.origin) });
  },
});
