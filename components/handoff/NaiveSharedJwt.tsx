"use client";

import { useEffect, useState } from "react";
import { HANDOFF_ROUTES, NAIVE_PAGE, NAIVE_STORAGE_KEY, type HandoffOrigins } from "@/lib/handoff";

// The naive contrast, deliberately weak: one long-lived JWT that both origins
// accept. A gives it to this page's script, which keeps it in localStorage and
// passes it to B in the URL fragment; B's script keeps its own copy. Any script
// on either site can read it, and nothing on the server can end it early.

type Check = { state: "none" } | { state: "checking" } | { state: "accepted"; name: string; expiresAt: string } | { state: "rejected" };

function readStored(): string | null {
  try {
    return window.localStorage.getItem(NAIVE_STORAGE_KEY);
  } catch {
    return null;
  }
}

/** This origin's verdict on the token; null when the server could not be reached. */
async function checkToken(value: string): Promise<Check | null> {
  const res = await fetch(HANDOFF_ROUTES.naiveMe, {
    headers: { Authorization: `Bearer ${value}`, Accept: "application/json" },
    cache: "no-store",
  }).catch(() => null);
  if (!res) return null;
  const body = (await res.json().catch(() => null)) as { user?: { name: string }; session?: { expiresAt: string } } | null;
  return res.ok && body?.user && body.session
    ? { state: "accepted", name: body.user.name, expiresAt: body.session.expiresAt }
    : { state: "rejected" };
}

export function NaiveSharedJwt({ origins, side, here }: { origins: HandoffOrigins; side: "A" | "B" | null; here: string }) {
  const [token, setToken] = useState<string | null>(null);
  const [check, setCheck] = useState<Check>({ state: "none" });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Arriving from A: the token rides in the fragment (never sent to a server); keep it, then drop it from the address bar.
    const arrived = /^#token=([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(window.location.hash)?.[1];
    if (arrived) {
      window.localStorage.setItem(NAIVE_STORAGE_KEY, arrived);
      window.history.replaceState(null, "", window.location.pathname);
    }
    // Reading localStorage must wait for the browser: the server render has none.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setToken(readStored());
  }, []);

  // Ask this origin every 2 s whether it still accepts the token: sign out or get disabled on A, and watch it stay accepted.
  useEffect(() => {
    if (!token) return;
    let current = true;
    const run = () =>
      void checkToken(token).then((result) => {
        if (current && result) setCheck(result);
      });
    run();
    const timer = window.setInterval(run, 2000);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [token]);

  async function getToken() {
    setError(null);
    const res = await fetch(HANDOFF_ROUTES.naiveToken, { method: "POST", headers: { Accept: "application/json" } }).catch(() => null);
    const body = (await res?.json().catch(() => null)) as { token?: string; error?: string } | null;
    if (!res?.ok || !body?.token) return setError(body?.error ?? "Could not get a shared JWT.");
    window.localStorage.setItem(NAIVE_STORAGE_KEY, body.token);
    setToken(body.token);
  }

  function forget() {
    window.localStorage.removeItem(NAIVE_STORAGE_KEY);
    setToken(null);
    setCheck({ state: "none" });
  }

  return (
    <div className="stack">
      <section className="card">
        <h2>The shared JWT on this origin</h2>
        <p>
          This page is at <code>{here}</code>
          {side ? `, origin ${side}` : ""}.
        </p>
        {token ? (
          <>
            <p data-testid="naive-status" data-state={check.state}>
              {check.state === "accepted" ? (
                <>
                  <strong>Accepted</strong> by this origin, as {check.name}, until {new Date(check.expiresAt).toUTCString()}. Nothing on
                  either server can end it sooner.
                </>
              ) : check.state === "rejected" ? (
                <>
                  <strong>Rejected</strong> by this origin (expired or tampered).
                </>
              ) : (
                "Checking…"
              )}
            </p>
            <p className="warning">
              Any script on this page can read it, as this one does: <code data-testid="naive-token-prefix">{token.slice(0, 24)}…</code> (
              {token.length} characters in <code>localStorage[&quot;{NAIVE_STORAGE_KEY}&quot;]</code>).
            </p>
            <p>
              {side === "A" && (
                <a className="button" href={`${origins.b}${NAIVE_PAGE}#token=${token}`} data-testid="naive-open-partner">
                  Open the partner app with it
                </a>
              )}{" "}
              <button type="button" className="secondary" onClick={forget}>
                Forget it on this origin
              </button>
            </p>
          </>
        ) : side === "A" ? (
          <p>
            <button type="button" onClick={getToken} data-testid="naive-get">
              Get the shared JWT
            </button>{" "}
            <span className="muted">(needs a stateful sign-in on this origin)</span>
          </p>
        ) : (
          <p data-testid="naive-status" data-state="none">
            No shared JWT here. Get one on origin A: <a href={origins.a + NAIVE_PAGE}>{origins.a + NAIVE_PAGE}</a>.
          </p>
        )}
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
      </section>
    </div>
  );
}
