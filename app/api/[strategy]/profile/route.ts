import { updateUser } from "@/lib/server/data/users";
import { publicUser } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, method } from "@/lib/server/http/route";
import { profileBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute({
  PATCH: method({
    access: "user",
    body: profileBody,
    async handler({ strategy, ctx, session, user, body }) {
      const profile = await updateUser(user.id, { name: body.name });
      if (!profile) throw new ApiError(404, "User not found.");
      // This device gets a credential with the new name; other devices keep theirs.
      const reissued = await strategy.reissue(ctx, { session, user: { ...user, name: profile.name } });
      return json({ user: publicUser(profile), ...reissued });
    },
  }),
});
