import { NaiveSharedJwt } from "@/components/handoff/NaiveSharedJwt";
import { HANDOFF_START_PAGE } from "@/lib/handoff";
import { handoff, handoffSide } from "@/lib/server/handoff";
import { serverComponentContext } from "@/lib/server/http/credential-context";

export default async function NaivePage() {
  const ctx = await serverComponentContext();
  const { origins } = handoff();
  return (
    <div className="stack">
      <section className="hero" data-testid="naive-label">
        <h1>The naive way: one long-lived JWT, accepted on both origins</h1>
        <p className="warning">
          <strong>Deliberately weak, for contrast.</strong> This is what the handoff replaces: a bearer JWT that lives for days, held by
          page scripts in <code>localStorage</code> on both sites. Sign out on the main app, or have an admin disable the account, and both
          origins keep accepting it until it expires. Compare with the <a href={origins.a + HANDOFF_START_PAGE}>one-time handoff</a>.
        </p>
      </section>
      <NaiveSharedJwt origins={origins} side={handoffSide(ctx.origin)} here={ctx.origin} />
    </div>
  );
}
