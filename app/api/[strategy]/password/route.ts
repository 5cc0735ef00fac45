import { getPasswordHash, getProfile, updateUser } from "@/lib/server/data/users";
import { endPartnerSessionsOfUser } from "@/lib/server/handoff";
import { hashPassword, verifyPassword } from "@/lib/server/passwords";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { passwordBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "user",
    body: passwordBody,
    async handler({ strategy, ctx, session, user, body }) {
      const stored = await getPasswordHash(user.id);
      if (!stored || !(await verifyPassword(body.currentPassword, stored))) {
        throw new ApiError("wrong_password", "The current password is not correct.");
      }
      await updateUser(user.id, { passwordHash: await hashPassword(body.newPassword) });
      // Partner sessions handed over from other devices end too; this device's stays.
      await endPartnerSessionsOfUser(user.id, "password-change", strategy.id === "stateful" ? session.id : null);
      // Where the strategy can, a password change ends every other session.
      const revokeAll = strategy.capabilities.revokeAllSessions;
      if (revokeAll.supported) {
        const ended = await revokeAll.run(user.id, session.id);
        // Version-checked credentials all ended with the bump, this one too: re-issue it under the new version.
        const fresh = await getProfile(user.id);
        const reissued = fresh ? await strategy.reissue(ctx, { session, user: fresh }, { adoptSessionVersion: true }) : {};
        return json({ ok: true, otherSessionsEnded: ended, ...reissued });
      }
      return json({ ok: true, otherSessionsEnded: null, note: revokeAll.reason });
    },
  }),
});
