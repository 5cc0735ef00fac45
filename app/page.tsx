import Link from "next/link";
import { SECURITY_PROPERTIES } from "@/lib/catalog/security-properties";
import { HANDOFF_OVERVIEW } from "@/lib/handoff";
import { STRATEGIES, STRATEGY_IDS, type CapabilityName } from "@/lib/strategies";

const CAPABILITY_LABELS: Record<CapabilityName, string> = {
  listSessions: "List my sessions",
  revokeSession: "Revoke one device",
  revokeAllSessions: "Sign out everywhere",
};

export default function Home() {
  return (
    <div className="stack">
      <section className="hero">
        <h1>One app, four ways to keep you signed in</h1>
        <p>
          The “JWT vs sessions” debate is argued with claims. Session Lab builds the same product — profile, notes, admin, devices — on four
          session strategies, so each claim can be tried and measured instead of believed. Sign in to any of them with a demo account, then
          use the switcher at the top to see the same page in another strategy.
        </p>
      </section>
      <div className="cards">
        {STRATEGY_IDS.map((id) => {
          const s = STRATEGIES[id];
          return (
            <article key={id} className="card strategy-card">
              <h2>
                <Link href={`/${id}`}>{s.label}</Link>
              </h2>
              <p>
                <code>{id}</code> · credential: {s.credentialHome}
              </p>
              <p>{s.summary}</p>
              <ul className="caps">
                {(Object.keys(CAPABILITY_LABELS) as CapabilityName[]).map((c) => (
                  <li
                    key={c}
                    className={s.capabilities[c] === true ? "yes" : "no"}
                    title={s.capabilities[c] === true ? undefined : (s.capabilities[c] as string)}
                  >
                    {s.capabilities[c] === true ? "✓" : "✗"} {CAPABILITY_LABELS[c]}
                  </li>
                ))}
              </ul>
              <Link className="button" href={`/${id}/login`}>
                Sign in with {id}
              </Link>
            </article>
          );
        })}
      </div>
      <section className="card">
        <h2>
          <Link href="/lab/attacks">Attack lab</Link>
        </h2>
        <p>
          Forged and altered tokens, alg none, CSRF, replay after sign-out, XSS: fire each attack of the security catalog at any strategy
          and see the request, the response and the verdict. The full matrix of {SECURITY_PROPERTIES.length} properties, with what the
          Playwright suite last observed, is on <Link href="/compare#security">/compare</Link>.
        </p>
      </section>
      <section className="card">
        <h2>
          <Link href="/compare">Compare them, measured</Link>
        </h2>
        <p>
          How long does a signed-out, revoked or demoted credential keep working under each strategy and its mitigations, and what does
          closing that window cost per request? <Link href="/compare">/compare</Link> runs every scenario against every variant over real
          HTTP in under 30 seconds, with a timeline per scenario, the debate&apos;s claims checked against the numbers, and a live
          split-screen. From a terminal: <code>npm run compare</code>.
        </p>
      </section>
      <section className="card">
        <h2>Cross-domain sign-in handoff</h2>
        <p>
          Signed in on one site, continue to a partner site without signing in again: a one-time, 60-second token in the redirect, exchanged
          for a session of the partner&apos;s own, next to the naive shared long-lived JWT.{" "}
          <Link href={HANDOFF_OVERVIEW}>How it works</Link>
        </p>
      </section>
      <section className="card">
        <h2>Demo accounts</h2>
        <p>
          <code>alice@example.com</code> (admin) and <code>bob@example.com</code> (member), password <code>lab-demo-password</code> unless{" "}
          <code>DEMO_PASSWORD</code> says otherwise. The JSON API behind every page is documented in <code>docs/api.md</code>.
        </p>
      </section>
    </div>
  );
}
