import { idParam, refuseSelf, requireAdminChange, requireAdminScope } from "@/lib/server/http/api-helpers";
import { apiRoute, json, endpoint } from "@/lib/server/http/route";
import { roleBody } from "@/lib/validation";

export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = apiRoute({
  POST: endpoint({
    access: "admin",
    body: roleBody,
    async handler({ user, params, body }) {
      const id = idParam(params);
      refuseSelf(user, id, "change the role of");
      await requireAdminScope(user.id, id);
      const { profile } = await requireAdminChange(user.id, id, { role: body.role });
      return json({ user: profile });
    },
  }),
});
