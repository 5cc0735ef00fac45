import { receiveLogoutToken } from "@/lib/server/handoff/back-channel";
import { handoffRoute, requireSide } from "@/lib/server/handoff/http";
import { handoff } from "@/lib/server/handoff";
import { ApiError, json, MAX_BODY_BYTES, readLimited } from "@/lib/server/http/route";

// B's back-channel logout receiver (OpenID Connect Back-Channel Logout 1.0 §2.5):
// A POSTs `logout_token=<JWT>` as a form, server to server. No cookie is read
// and none is set, so there is no ambient authority for a cross-site form to
// abuse and no Origin check: the signed token is the only credential.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = handoffRoute({
  async POST(req, ctx) {
    requireSide(ctx, "B");
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers.get("content-type") ?? "")) {
      throw new ApiError(
        "unsupported_media_type",
        "Send the logout token as a form: Content-Type: application/x-www-form-urlencoded, logout_token=<JWT>.",
      );
    }
    if (Number(req.headers.get("content-length") ?? "0") > MAX_BODY_BYTES)
      throw new ApiError("body_too_large", `Body larger than ${MAX_BODY_BYTES} bytes.`);
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readLimited(req, MAX_BODY_BYTES));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError("logout_token_invalid", "Could not read the request body.");
    }
    const values = form.getAll("logout_token");
    if (values.length !== 1) throw new ApiError("logout_token_invalid", "Send exactly one logout_token.");
    const receipt = await receiveLogoutToken(handoff().tokens, values[0]);
    if (!receipt.ok) {
      // OIDC: 400 for any invalid logout request. The reason is safe to tell: it reveals no session.
      throw new ApiError("logout_token_invalid", `The logout token was refused (${receipt.reason}).`);
    }
    return json({ ok: true, sessionsEnded: receipt.sessionsEnded });
  },
});
