import { z } from "zod";
import { LIVE_PROFILES } from "@/lib/compare/live-types";
import { leaseRefusal, requireCompareEnabled } from "@/lib/server/compare/http";
import { createLiveLab } from "@/lib/server/compare/live";
import { labEndpoint, labRoute } from "@/lib/server/http/lab-route";
import { json } from "@/lib/server/http/route";

// Opens a live split-screen: a throwaway user signed in under every variant
// by this server, and a throwaway admin. The answer's token authorizes every
// later request for this lab (X-Live-Token); nobody else can watch or act on it.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = labRoute({
  POST: labEndpoint({
    body: z.object({ profile: z.enum(LIVE_PROFILES).default("production") }).strict(),
    async handler({ body }) {
      requireCompareEnabled();
      const created = await createLiveLab(body.profile);
      if (!created.ok) throw leaseRefusal(created.refusal);
      return json({ lab: created.lab, token: created.token }, 201);
    },
  }),
});
