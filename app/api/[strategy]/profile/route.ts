import { announceRevocation } from "@/lib/server/invalidation";
import { updateUser } from "@/lib/server/data/users";
import { publicUser } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { profileBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  PATCH: endpoint({
    access: "user",
    body: profileBody,
    async handler({ strategy, ctx, session, user, body }) {
      const profile = await updateUser(user.id, { name: body.name });
      if (!profile) throw new ApiError("not_signed_in", "Your account no longer exists. Sign in again.");
      await announceRevocation({ userId: user.id, reason: "name-change" });
      // A disabled account gets no fresh credential (what it holds still expires as before).
      if (profile.disabled) return json({ user: publicUser(profile) });
      // This device gets a credential with the database's name and role, and
      // no longer a lifetime than it had; other devices keep theirs.
      const reissued = await strategy.reissue(ctx, { session, user: { id: profile.id, name: profile.name, role: profile.role } });
      return json({ user: publicUser(profile), ...reissued });
    },
  }),
});
