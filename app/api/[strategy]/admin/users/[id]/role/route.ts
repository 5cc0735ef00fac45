import { updateUser } from "@/lib/server/data/users";
import { idParam, refuseSelf, requireAdminScope } from "@/lib/server/http/api-helpers";
import { ApiError, apiRoute, json, endpoint } from "@/lib/server/http/route";
import { roleBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    body: roleBody,
    async handler({ user, params, body }) {
      const id = idParam(params);
      refuseSelf(user, id, "change the role of");
      await requireAdminScope(user.id, id);
      const updated = await updateUser(id, { role: body.role });
      if (!updated) throw new ApiError("not_found", "User not found.");
      return json({ user: updated });
    },
  }),
});
