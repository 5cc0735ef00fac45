"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { VARIANTS } from "@/lib/catalog/variants";
import { LIVE_TOKEN_HEADER, type LiveAction, type LiveProfile, type LiveSnapshot } from "@/lib/compare/live-types";

const POLL_MS = 1000;

const ACTIONS: { action: LiveAction; label: string }[] = [
  { action: "demote", label: "Demote to member" },
  { action: "promote", label: "Promote to admin" },
  { action: "disable", label: "Disable" },
  { action: "enable", label: "Enable" },
  { action: "revoke", label: "Revoke all sessions" },
  { action: "rename", label: "Rename" },
  { action: "sign-in-again", label: "Sign every pane in again" },
];

/**
 * The same user signed in under every variant, side by side, re-checked every
 * second by the server (never with this browser's own cookies); an admin panel
 * changes the user underneath. Accounts of its own, deleted when it closes.
 */
export function SplitScreen({ enabled }: { enabled: boolean }) {
  const [profile, setProfile] = useState<LiveProfile>("production");
  const [lab, setLab] = useState<{ id: string; token: string } | null>(null);
  const [snap, setSnap] = useState<LiveSnapshot | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const labRef = useRef(lab);
  useEffect(() => {
    labRef.current = lab;
  }, [lab]);

  const headers = useCallback((token: string) => ({ [LIVE_TOKEN_HEADER]: token, Accept: "application/json" }), []);

  const close = useCallback(async () => {
    const current = labRef.current;
    setLab(null);
    setSnap(null);
    if (current) {
      await fetch(`/api/compare/live/${current.id}`, { method: "DELETE", headers: headers(current.token), keepalive: true }).catch(
        () => null,
      );
    }
  }, [headers]);

  // Close the lab (and delete its accounts) when the page goes away.
  useEffect(() => {
    const onHide = () => {
      const current = labRef.current;
      if (current) void fetch(`/api/compare/live/${current.id}`, { method: "DELETE", headers: headers(current.token), keepalive: true });
    };
    window.addEventListener("pagehide", onHide);
    return () => window.removeEventListener("pagehide", onHide);
  }, [headers]);

  useEffect(() => {
    if (!lab) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      if (document.visibilityState === "visible") {
        const res = await fetch(`/api/compare/live/${lab.id}`, { headers: headers(lab.token), cache: "no-store" }).catch(() => null);
        if (stopped) return;
        if (res?.ok) setSnap((await res.json()) as LiveSnapshot);
        else if (res?.status === 404) {
          setError("The split-screen was closed on the server (idle too long, or the server restarted). Open a new one.");
          setLab(null);
          return;
        }
      }
      timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [lab, headers]);

  async function open() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/compare/live", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ profile }),
      });
      const body = (await res.json().catch(() => null)) as { lab?: { id: string }; token?: string; error?: string } | null;
      if (res.status !== 201 || !body?.lab || !body.token) setError(body?.error ?? `The server answered ${res.status}.`);
      else setLab({ id: body.lab.id, token: body.token });
    } finally {
      setBusy(false);
    }
  }

  async function act(action: LiveAction) {
    if (!lab) return;
    setBusy(true);
    try {
      const res = await fetch(`/api/compare/live/${lab.id}/actions`, {
        method: "POST",
        headers: { ...headers(lab.token), "Content-Type": "application/json" },
        body: JSON.stringify({ action }),
      });
      if (!res.ok)
        setError(((await res.json().catch(() => null)) as { error?: string } | null)?.error ?? `The server answered ${res.status}.`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card stack" aria-labelledby="split-title" data-testid="split-screen">
      <h2 id="split-title">Live split-screen</h2>
      <p className="muted" style={{ margin: 0 }}>
        A throwaway user, signed in under every variant at once by this server (your own sessions are not touched). Change the user with the
        admin panel and watch which panes still accept their credential, and which name and role each still asserts. Each pane is re-checked
        every second with <code>GET /me</code>.
      </p>
      {!enabled && <p className="warning">Live split-screens are off on this server (set SESSION_LAB_COMPARE=1 to allow them).</p>}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {!lab ? (
        <div className="row" style={{ justifyContent: "flex-start" }}>
          <label style={{ flexDirection: "row", alignItems: "center" }}>
            Lifetimes{" "}
            <select value={profile} onChange={(e) => setProfile(e.target.value as LiveProfile)}>
              <option value="production">the server&apos;s own (production)</option>
              <option value="matrix">matrix (seconds: watch them expire)</option>
            </select>
          </label>
          <button type="button" onClick={open} disabled={busy || !enabled}>
            {busy ? "Signing in everywhere…" : "Open the split-screen"}
          </button>
        </div>
      ) : (
        <>
          <div className="actions" role="group" aria-label="Admin panel">
            {ACTIONS.map((a) => (
              <button key={a.action} type="button" className="secondary" onClick={() => act(a.action)} disabled={busy}>
                {a.label}
              </button>
            ))}
            <button type="button" className="danger" onClick={close}>
              Close
            </button>
          </div>
          {snap && (
            <>
              <p className="muted" style={{ margin: 0 }}>
                User <code>{snap.lab.user.email}</code> · database now says:{" "}
                {snap.panes.find((p) => p.database)?.database
                  ? (() => {
                      const d = snap.panes.find((p) => p.database)!.database!;
                      return `${d.name}, ${d.role}${d.disabled ? ", disabled" : ""}`;
                    })()
                  : "(no pane can read it)"}
              </p>
              <div className="panes" aria-live="polite">
                {snap.panes.map((p) => {
                  const staleName = p.session && p.database && p.session.name !== p.database.name;
                  const staleRole = p.session && p.database && p.session.role !== p.database.role;
                  return (
                    <article key={p.variant} className="pane" data-accepted={p.accepted} data-testid={`pane-${p.variant}`}>
                      <h3>{p.variant}</h3>
                      <div className="muted">{VARIANTS[p.variant].label}</div>
                      <p style={{ margin: "0.3rem 0" }}>
                        <strong>{p.accepted ? "accepted" : `refused (${p.status}${p.code ? ` ${p.code}` : ""})`}</strong>
                        {p.refreshed && " · refreshed"}
                      </p>
                      {p.session && (
                        <p style={{ margin: 0 }}>
                          sees <span className={staleName ? "stale" : undefined}>{p.session.name}</span>,{" "}
                          <span className={staleRole ? "stale" : undefined}>{p.session.role}</span>
                          {(staleName || staleRole) && <span className="stale"> (stale)</span>}
                        </p>
                      )}
                      {p.check && (
                        <p className="muted" style={{ margin: 0 }}>
                          check {p.check.ms.toFixed(2)} ms · {p.check.lookups} lookup{p.check.lookups === 1 ? "" : "s"}
                          {p.session?.credentialBytes ? ` · ${p.session.credentialBytes} B` : ""}
                        </p>
                      )}
                    </article>
                  );
                })}
              </div>
              {snap.log.length > 0 && (
                <details>
                  <summary>Admin actions ({snap.log.length})</summary>
                  <ul className="plain">
                    {snap.log.map((entry) => (
                      <li key={entry.at + entry.action}>
                        {new Date(entry.at).toLocaleTimeString()} {entry.action}:{" "}
                        {entry.requests
                          .map((r) => `${r.request} → ${r.status}${r.status >= 400 && r.note ? ` (${r.note})` : ""}`)
                          .join("; ")}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
