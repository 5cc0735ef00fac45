import Link from "next/link";
import { HANDOFF_MAX_TTL_SECONDS, HANDOFF_ROUTES, HANDOFF_START_PAGE, NAIVE_PAGE, PARTNER_HOME, PARTNER_SESSION_PAGE } from "@/lib/handoff";
import { handoff, handoffSide } from "@/lib/server/handoff";
import { serverComponentContext } from "@/lib/server/http/credential-context";
import { getCurrentSession } from "@/lib/server/session";

// Origin A's side of the cross-domain handoff (docs/handoff.md): the signed-in
// stateful user continues to the partner app at origin B without signing in again.

export default async function Page() {
  const ctx = await serverComponentContext();
  const { origins } = handoff();
  if (handoffSide(ctx.origin) !== "A") {
    return (
      <section className="card" data-testid="wrong-origin">
        <h2>Continue to the partner app</h2>
        <p>
          The handoff starts on origin A, <a href={origins.a + HANDOFF_START_PAGE}>{origins.a}</a>. This page was opened at {ctx.origin}.
        </p>
      </section>
    );
  }
  const { user } = await getCurrentSession("stateful");
  const begin = (next: string) => `${origins.b}${HANDOFF_ROUTES.begin}?next=${encodeURIComponent(next)}`;
  return (
    <div className="stack">
      <section className="card">
        <h2>Continue to the partner app</h2>
        <p>
          You are signed in here, on origin A (<code>{origins.a}</code>), as <strong>{user?.name}</strong>. The partner app runs on origin B
          (<code>{origins.b}</code>): another site to your browser, so this site&apos;s cookie never reaches it.
        </p>
        <p>
          <a className="button" href={begin(PARTNER_HOME)} data-testid="continue-to-partner">
            Continue to partner app
          </a>{" "}
          <a href={begin(PARTNER_SESSION_PAGE)}>Continue, straight to the partner session&apos;s details</a>
        </p>
        <p className="muted">
          What happens: B gives this browser a random secret in its own cookie and sends you back here with only its hash. A then signs a
          one-time token (valid {HANDOFF_MAX_TTL_SECONDS} s, for B only, naming you and that hash) and sends you to B, which checks the
          token and that this browser holds the secret, spends the token, and starts a session of its own. The token leaves the address bar
          at once.
        </p>
      </section>
      <section className="card" data-testid="separate-sessions">
        <h2>Two sessions, one on each side</h2>
        <ul>
          <li>
            <strong>Signing out on the partner app</strong> ends only the partner session. You stay signed in here: that is a separate act.
          </li>
          <li>
            <strong>Signing out here</strong> ends this session, and A tells B, server to server (a back-channel logout), to end the partner
            session that this browser&apos;s handoff created, and only that one.
          </li>
          <li>
            <strong>Signing out everywhere, a password change, an admin revoking your sessions or disabling your account</strong> reach the
            partner app the same way.
          </li>
        </ul>
      </section>
      <section className="card">
        <h2>For contrast: the naive way</h2>
        <p>
          Many sites share one long-lived JWT that both domains accept, kept in each page&apos;s <code>localStorage</code>. Any script on
          either site can read it, and signing out or being disabled here changes nothing for it until it expires.{" "}
          <Link href={NAIVE_PAGE}>Try the naive shared JWT</Link>.
        </p>
      </section>
    </div>
  );
}
