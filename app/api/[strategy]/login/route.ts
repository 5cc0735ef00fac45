import { signInThrottle } from "@/lib/server/auth/throttle";
import { clientAddress } from "@/lib/server/http/credential-context";
import { publicUser, requireProfile } from "@/lib/server/http/api-helpers";
import { apiRoute, errorResponse, json, endpoint } from "@/lib/server/http/route";
import { logSecurityEvent } from "@/lib/server/security-log";
import { loginBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "public",
    body: loginBody,
    async handler({ req, strategy, ctx, body }) {
      const throttle = signInThrottle();
      const client = clientAddress(req.headers);
      // Refused before the password is checked: a blocked account or client costs no scrypt.
      const retryAfterSeconds = await throttle.retryAfterSeconds(body.email, client);
      if (retryAfterSeconds > 0) {
        logSecurityEvent({ event: "sign-in", outcome: "throttled", variant: strategy.id, account: body.email, client, retryAfterSeconds });
        const res = errorResponse("rate_limited", `Too many failed sign-ins. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
        res.headers.set("Retry-After", String(retryAfterSeconds));
        return res;
      }
      const result = await strategy.signIn(body, ctx);
      if (!result.ok) {
        // A disabled account's password was right: not a guess, so not counted.
        if (result.reason === "invalid") await throttle.recordFailure(body.email, client);
        logSecurityEvent({
          event: "sign-in",
          outcome: "failure",
          variant: strategy.id,
          account: body.email,
          reason: result.reason,
          client,
        });
        return result.reason === "disabled"
          ? errorResponse("account_disabled", "This account is disabled.")
          : errorResponse("invalid_credentials", "Invalid email or password.");
      }
      await throttle.recordSuccess(body.email);
      logSecurityEvent({ event: "sign-in", outcome: "success", variant: strategy.id, userId: result.user.id, client });
      const user = publicUser(await requireProfile(result.user.id));
      return json(result.token ? { user, token: result.token, expiresAt: result.expiresAt } : { user, expiresAt: result.expiresAt });
    },
  }),
});
