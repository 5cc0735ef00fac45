"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { signOut as endSession } from "@/lib/client/api";
import { HANDOFF_START_PAGE } from "@/lib/handoff";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";

const SECTIONS = [
  ["", "Dashboard"],
  ["/notes", "Notes"],
  ["/devices", "Devices"],
  ["/settings", "Settings"],
  ["/admin", "Admin"],
] as const;

/** The stateful app is origin A of the cross-domain handoff: it links to the partner app (lib/handoff.ts). */
const HANDOFF_SECTION = HANDOFF_START_PAGE.slice("/stateful".length);

/** Section links of one strategy's app, and sign-out. */
export function StrategyNav({ strategy }: { strategy: StrategyId }) {
  const pathname = usePathname();
  const router = useRouter();
  async function signOut() {
    await endSession(strategy);
    router.replace(`/${strategy}/login`);
    router.refresh();
  }
  return (
    <nav className="subnav" aria-label={`${STRATEGIES[strategy].label} sections`}>
      {[...SECTIONS, ...(strategy === "stateful" ? ([[HANDOFF_SECTION, "Partner app"]] as const) : [])].map(([path, label]) => {
        const href = `/${strategy}${path}`;
        return (
          <Link key={href} href={href} aria-current={pathname === href ? "page" : undefined}>
            {label}
          </Link>
        );
      })}
      <button type="button" className="link" onClick={signOut}>
        Sign out
      </button>
    </nav>
  );
}
