import Link from "next/link";
import { HANDOFF_MAX_TTL_SECONDS, HANDOFF_START_PAGE, NAIVE_PAGE, PARTNER_HOME } from "@/lib/handoff";
import { loginPath } from "@/lib/paths";
import { handoff, handoffSide } from "@/lib/server/handoff";
import { serverComponentContext } from "@/lib/server/http/credential-context";

// What the cross-domain handoff is, with links to both sides. docs/handoff.md has the details.

export default async function HandoffOverview() {
  const ctx = await serverComponentContext();
  const { origins } = handoff();
  const side = handoffSide(ctx.origin);
  return (
    <div className="stack">
      <section className="hero">
        <h1>Cross-domain sign-in handoff</h1>
        <p>
          One app, two sites: origin A, <code>{origins.a}</code>, is the main app (the stateful strategy), and origin B,{" "}
          <code>{origins.b}</code>, is a partner app. Your browser treats them as different sites, so A&apos;s cookie never reaches B.
          Signed in on A, you continue to B without signing in again: A hands you over with a one-time token that lives at most{" "}
          {HANDOFF_MAX_TTL_SECONDS} seconds, and B exchanges it for a session of its own.
          {side && ` You are on origin ${side} now.`}
        </p>
      </section>
      <div className="cards">
        <article className="card">
          <h2>1. Sign in on A</h2>
          <p>With a demo account, in the stateful app.</p>
          <a className="button" href={origins.a + loginPath("stateful", HANDOFF_START_PAGE)}>
            Sign in on origin A
          </a>
        </article>
        <article className="card">
          <h2>2. Continue to B</h2>
          <p>From A&apos;s handoff page; you land signed in on B, with the token already gone from the address bar.</p>
          <a className="button" href={origins.a + HANDOFF_START_PAGE}>
            A&apos;s handoff page
          </a>
        </article>
        <article className="card">
          <h2>3. Sign out on either side</h2>
          <p>
            Signing out on B ends B&apos;s session only. Signing out on A ends A&apos;s and, by a back-channel logout, the B session created
            from it.
          </p>
          <a className="button" href={origins.b + PARTNER_HOME}>
            The partner app
          </a>
        </article>
      </div>
      <section className="card">
        <h2>The naive contrast</h2>
        <p>
          One long-lived JWT that both sites accept, kept in <code>localStorage</code>: readable by any script, and still accepted after you
          sign out or are disabled on A. <Link href={NAIVE_PAGE}>Try it</Link>.
        </p>
      </section>
    </div>
  );
}
