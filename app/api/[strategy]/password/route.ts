import { announceRevocation } from "@/lib/server/invalidation";
import { VARIANT_IDS, VARIANTS } from "@/lib/catalog/variants";
import { getPasswordHash, getProfile, updateUser } from "@/lib/server/data/users";
import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { hashPassword, newPasswordProblem, verifyPassword } from "@/lib/server/passwords";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { logSecurityEvent } from "@/lib/server/security-log";
import { passwordBody } from "@/lib/validation";

/**
 * What a password change does to each variant's other sessions, from the
 * catalog: ended at once, at the next refresh (the short access token runs
 * out), or not at all until the credential expires (nothing on the server can end it).
 */
const REVOCATION = VARIANT_IDS.map((variant) => {
  const { window, reason } = VARIANTS[variant].expected["password-change"];
  return { variant, ends: window === "none" ? "now" : window === "access-token" ? "at-next-refresh" : "never-before-expiry", reason };
});
const NOT_ENDED = REVOCATION.filter((r) => r.ends === "never-before-expiry").map((r) => r.variant);

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "user",
    body: passwordBody,
    async handler({ strategy, ctx, session, user, body }) {
      const stored = await getPasswordHash(user.id);
      if (stored === null) throw new ApiError("not_signed_in", "Your account no longer exists. Sign in again.");
      if (!(await verifyPassword(body.currentPassword, stored))) {
        throw new ApiError("wrong_password", "The current password is not correct.");
      }
      const problem = await newPasswordProblem(body.newPassword, body.currentPassword);
      if (problem) throw new ApiError("weak_password", problem);
      // Whichever strategy handles the change, one transaction stores the hash, bumps the session version
      // (ending every version-checked credential of every variant) and deletes the user's stateful sessions;
      // this device's own stateful session, if it is one, moves to the new version.
      const changed = await updateUser(
        user.id,
        { passwordHash: await hashPassword(body.newPassword) },
        { keepStatefulSessionId: VARIANTS[strategy.id].base === "stateful" ? session.id : null },
      );
      if (!changed) throw new ApiError("not_signed_in", "Your account no longer exists.");
      logSecurityEvent({
        event: "password-change",
        variant: strategy.id,
        userId: user.id,
        statefulSessionsEnded: changed.statefulSessionsEnded,
      });
      await announceRevocation({ userId: user.id, reason: "password-change" });
      // Partner sessions handed over from other devices end too; this device's stays.
      await endPartnerSessionsOfUser(user.id, "password-change", strategy.id === "stateful" ? session.id : null);
      const revocation = { statefulSessionsEnded: changed.statefulSessionsEnded, variants: REVOCATION, notEnded: NOT_ENDED };
      const revokeAll = strategy.capabilities.revokeAllSessions;
      if (!revokeAll.supported) return json({ ok: true, otherSessionsEnded: null, note: revokeAll.reason, revocation });
      // The handling variant's own records (refresh families) end too, keeping this device's.
      const ended = VARIANTS[strategy.id].base === "stateful" ? changed.statefulSessionsEnded : await revokeAll.run(user.id, session.id);
      // Version-checked credentials all ended with the bump, this one too: re-issue it under the new version.
      const fresh = await getProfile(user.id);
      const reissued = fresh ? await strategy.reissue(ctx, { session, user: fresh }, { adoptSessionVersion: true }) : {};
      return json({ ok: true, otherSessionsEnded: ended, revocation, ...reissued });
    },
  }),
});
