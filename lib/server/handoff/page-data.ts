import "server-only";
import { cache } from "react";
import { handoff, handoffSide } from "./index";
import type { PartnerSessionView } from "./partner-sessions";
import { serverComponentContext } from "@/lib/server/http/credential-context";

/** B's session for this page request (cached per request, so a layout and its page read it once); null off origin B. */
export const partnerSessionForPage = cache(async (): Promise<PartnerSessionView | null> => {
  const ctx = await serverComponentContext();
  if (handoffSide(ctx.origin) !== "B") return null;
  return handoff().partner.validate(ctx);
});

/** A date as people read it, the same on the server for everyone (UTC). */
export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
