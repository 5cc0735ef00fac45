"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { HANDOFF_START_PAGE } from "@/lib/handoff";
import { STRATEGY_IDS, isStrategyId } from "@/lib/strategies";

/** Jumps to the same page in another strategy: /cookie/notes → /jwt/notes. */
export function ModeSwitcher() {
  const pathname = usePathname();
  const [, first, ...rest] = pathname.split("/");
  const current = isStrategyId(first) ? first : null;
  // The handoff page exists for the stateful strategy only (lib/handoff.ts): elsewhere, go to the dashboard.
  const tail = current && pathname !== HANDOFF_START_PAGE ? rest.join("/") : "";
  return (
    <nav className="modes" aria-label="Session strategy">
      {STRATEGY_IDS.map((id) => (
        <Link key={id} href={`/${id}${tail ? `/${tail}` : ""}`} aria-current={id === current ? "true" : undefined} className="mode">
          {id}
        </Link>
      ))}
    </nav>
  );
}
