import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { loginPath, PATHNAME_HEADER } from "@/lib/paths";
import { getCurrentSession } from "@/lib/server/session";
import type { StrategyId } from "@/lib/strategies";

/** Layout guard of the cookie-carried strategies: the session is checked on the server for every page. */
export async function ServerSessionGuard({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  const { session } = await getCurrentSession(strategy);
  // proxy.ts passes the requested path along; the sign-in page only follows paths of this strategy.
  if (!session) redirect(loginPath(strategy, (await headers()).get(PATHNAME_HEADER) ?? undefined));
  return <>{children}</>;
}

/** Server-side role check for admin pages (the API checks again on every call). */
export async function ServerAdminGate({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  const { user } = await getCurrentSession(strategy);
  if (!user) redirect(`/${strategy}/login`);
  if (user.role !== "admin") forbidden();
  return <>{children}</>;
}
