import Link from "next/link";
import { HANDOFF_OVERVIEW, PARTNER_HOME, PARTNER_SESSION_PAGE } from "@/lib/handoff";
import { handoff, handoffSide } from "@/lib/server/handoff";
import { serverComponentContext } from "@/lib/server/http/credential-context";

// The partner app: origin B of the cross-domain handoff (docs/handoff.md). It
// has its own stateful session (cookie, table), created only by a handoff from A.

export default async function PartnerLayout({ children }: { children: React.ReactNode }) {
  const ctx = await serverComponentContext();
  const { origins } = handoff();
  const onB = handoffSide(ctx.origin) === "B";
  return (
    <div className="shell" data-strategy="partner">
      <div className="shell-head">
        <div>
          <h1>Partner app</h1>
          <p className="muted">
            Origin B, <code>{origins.b}</code>: its own stateful session, reached from origin A by a one-time handoff
          </p>
        </div>
        <nav className="subnav" aria-label="Partner app sections">
          <Link href={PARTNER_HOME}>Home</Link>
          <Link href={PARTNER_SESSION_PAGE}>Session</Link>
          <Link href={HANDOFF_OVERVIEW}>How it works</Link>
        </nav>
      </div>
      {onB ? (
        children
      ) : (
        <section className="card" data-testid="wrong-origin">
          <p>
            The partner app is served on origin B: open <a href={origins.b + PARTNER_HOME}>{origins.b + PARTNER_HOME}</a>. This page was
            opened at <code>{ctx.origin}</code>, which is{" "}
            {handoffSide(ctx.origin) === "A" ? "origin A, the main app" : "neither configured origin"}.
          </p>
        </section>
      )}
    </div>
  );
}
