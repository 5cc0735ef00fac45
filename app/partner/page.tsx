import Link from "next/link";
import { PartnerSignOut } from "@/components/handoff/PartnerSignOut";
import { HANDOFF_START_PAGE, PARTNER_SESSION_PAGE } from "@/lib/handoff";
import { handoff } from "@/lib/server/handoff";
import { partnerSessionForPage } from "@/lib/server/handoff/page-data";

export default async function PartnerHome() {
  const view = await partnerSessionForPage();
  const { origins } = handoff();
  if (!view) {
    return (
      <section className="card" data-testid="partner-signed-out">
        <h2>Not signed in on the partner app</h2>
        <p>
          The partner app has no sign-in form: you arrive signed in from the main app. Sign in there and press “Continue to partner app”:{" "}
          <a href={origins.a + HANDOFF_START_PAGE}>{origins.a + HANDOFF_START_PAGE}</a>.
        </p>
      </section>
    );
  }
  return (
    <div className="stack">
      <section className="card">
        <h2>
          Welcome, <span data-testid="partner-user">{view.user.name}</span>
        </h2>
        <p>
          You are signed in on the partner app (origin B) with a session of its own, created from a one-time handoff from the main app
          (origin A, <code>{origins.a}</code>). No password was asked, and no long-lived credential crossed between the two sites.
        </p>
        <p>
          <Link href={PARTNER_SESSION_PAGE}>Details of this session</Link>
        </p>
      </section>
      <section className="card" data-testid="separate-sessions">
        <h2>Signing out</h2>
        <p>
          Signing out here ends this session only. <strong>You stay signed in on the main app</strong> (<code>{origins.a}</code>): signing
          out there is a separate act. Signing out there, though, ends this session too: the main app tells this one, server to server (a
          back-channel logout).
        </p>
        <PartnerSignOut />
      </section>
    </div>
  );
}
