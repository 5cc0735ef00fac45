import { PartnerSignOut } from "@/components/handoff/PartnerSignOut";
import { HANDOFF_START_PAGE } from "@/lib/handoff";
import { handoff } from "@/lib/server/handoff";
import { partnerSessionForPage, utc } from "@/lib/server/handoff/page-data";

export default async function PartnerSessionPage() {
  const view = await partnerSessionForPage();
  const { origins } = handoff();
  if (!view) {
    return (
      <section className="card" data-testid="partner-signed-out">
        <h2>No partner session</h2>
        <p>
          Start from the main app: <a href={origins.a + HANDOFF_START_PAGE}>{origins.a + HANDOFF_START_PAGE}</a>.
        </p>
      </section>
    );
  }
  const { session, user } = view;
  return (
    <div className="grid">
      <section className="card">
        <h2>This session, as the partner app sees it</h2>
        <dl className="facts">
          <dt>User</dt>
          <dd data-testid="partner-user">{user.name}</dd>
          <dt>Session id</dt>
          <dd>
            <code data-testid="partner-session-id">{session.id}</code>
          </dd>
          <dt>Handoff sid</dt>
          <dd>
            <code>{session.sid}</code> <span className="muted">(a back-channel logout token naming it ends this session)</span>
          </dd>
          <dt>Started</dt>
          <dd>{utc(session.createdAt)}</dd>
          <dt>Expires</dt>
          <dd>
            {utc(session.expiresAt)} <span className="muted">(idle; at the latest {utc(session.absoluteExpiresAt)})</span>
          </dd>
          <dt>Credential</dt>
          <dd>{session.credentialBytes} bytes: an opaque token in an HttpOnly cookie of this origin, stored here as its SHA-256 only</dd>
        </dl>
      </section>
      <section className="card" data-testid="separate-sessions">
        <h2>How it ends</h2>
        <ul>
          <li>Signing out here ends it; the main app&apos;s session stays (a separate act).</li>
          <li>
            Signing out on the main app (<code>{origins.a}</code>) ends it at once, through a back-channel logout naming this session.
          </li>
          <li>Signing out everywhere, a password change on another device, or an admin revoking or disabling the account: the same.</li>
          <li>Otherwise it expires like a stateful session: idle timeout, absolute lifetime.</li>
        </ul>
        <PartnerSignOut />
      </section>
    </div>
  );
}
