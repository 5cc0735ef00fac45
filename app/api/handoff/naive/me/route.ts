import { handoff, handoffSide } from "@/lib/server/handoff";
import { handoffRoute } from "@/lib/server/handoff/http";
import { ApiError, json } from "@/lib/server/http/route";

// The naive contrast, on either origin: is this shared bearer JWT accepted here?
// It is verified by signature and claims alone, so a sign-out, a revocation or
// a disabled account on A changes nothing until it expires.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async GET(_req, ctx) {
    const { session, user } = await handoff().naive.process.validate(ctx);
    if (!session) throw new ApiError("not_signed_in", "No shared JWT, or one this origin does not accept (garbage, tampered, expired).");
    return json({
      user,
      session: { issuedAt: session.issuedAt, expiresAt: session.expiresAt, credentialBytes: session.credentialBytes },
      origin: ctx.origin,
      side: handoffSide(ctx.origin),
    });
  },
});
