"use client";

import { useState } from "react";
import type { DeviceDto } from "@/lib/api-types";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { formatRelative, formatTime } from "./format";
import { Message, Status, type FlashMessage } from "./Status";
import { useApiData, useMutation, useSignedOutRedirect } from "./use-api";

export function Devices({ strategy }: { strategy: StrategyId }) {
  const caps = STRATEGIES[strategy].capabilities;
  return caps.listSessions === true ? <DeviceList strategy={strategy} /> : <NoDeviceList strategy={strategy} reason={caps.listSessions} />;
}

function NoDeviceList({ strategy, reason }: { strategy: StrategyId; reason: string }) {
  const caps = STRATEGIES[strategy].capabilities;
  return (
    <section className="card" data-testid="devices-unsupported">
      <h2>Active sessions</h2>
      <p className="warning">{reason}</p>
      <p>
        <strong>Sign out everywhere:</strong> {caps.revokeAllSessions === true ? "available." : caps.revokeAllSessions}
      </p>
      <p className="muted">
        Signing out here only removes the credential from this browser. The API answers 501 for the session list and for revocation, with
        the reason above.
      </p>
    </section>
  );
}

function DeviceList({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ sessions: DeviceDto[] }>(strategy, "/sessions");
  const mutate = useMutation(strategy);
  const signedOut = useSignedOutRedirect(strategy);
  const [message, setMessage] = useState<FlashMessage>(null);

  async function revoke(device: DeviceDto) {
    const result = await mutate<{ current: boolean }>(`/sessions/${device.id}`, { method: "DELETE" });
    if (!result.ok) return setMessage({ kind: "error", text: result.error });
    if (result.data.current) return signedOut();
    setMessage({ kind: "ok", text: "Session revoked: that device is signed out on its next request." });
    reload();
  }

  async function everywhere() {
    const result = await mutate<{ sessionsEnded: number }>("/logout-all", { method: "POST" });
    if (!result.ok) return setMessage({ kind: "error", text: result.error });
    signedOut();
  }

  return (
    <div className="stack">
      <Status value={value}>
        {({ sessions }) => (
          <ul className="list" aria-label="Active sessions">
            {sessions.map((d) => (
              <li key={d.id} className="card row" data-testid="device">
                <div>
                  <strong>{d.current ? "This browser" : describeAgent(d.userAgent)}</strong>
                  <small className="muted">
                    {" "}
                    signed in {formatTime(d.createdAt)} · last active {formatRelative(d.lastSeenAt)} · idle expiry{" "}
                    {formatRelative(d.expiresAt)}
                  </small>
                </div>
                <button type="button" className="secondary" onClick={() => revoke(d)}>
                  {d.current ? "Sign out" : "Revoke"}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Status>
      <button type="button" className="danger" onClick={everywhere}>
        Sign out everywhere
      </button>
      <Message message={message} />
    </div>
  );
}

function describeAgent(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Firefox|Edg|Chrome|Safari|curl|node/.exec(ua)?.[0] ?? "Browser";
  const os = /Windows|Mac OS X|Android|iPhone|Linux/.exec(ua)?.[0] ?? "";
  return `${browser === "Edg" ? "Edge" : browser}${os ? ` on ${os}` : ""}`;
}
