"use client";

import { useActionState } from "react";
import type { DeviceDto } from "@/lib/api-types";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { describeUserAgent } from "@/lib/user-agent";
import { textField } from "./forms";
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
        Signing out here only removes the credential from this browser. The API answers <code>unsupported</code> for the session list and
        for revocation, with the reason above.
      </p>
    </section>
  );
}

type DevicesCommand = { kind: "revoke"; device: DeviceDto } | { kind: "everywhere" };

function DeviceList({ strategy }: { strategy: StrategyId }) {
  const { value, reload } = useApiData<{ sessions: DeviceDto[] }>(strategy, "/sessions");
  const mutate = useMutation(strategy);
  const signedOut = useSignedOutRedirect(strategy);
  const listed = value.state === "ready" ? value.data.sessions : [];

  // One action for the page: while it runs every button is disabled (no double revocations).
  const [message, act, acting] = useActionState(async (_previous: FlashMessage, form: FormData): Promise<FlashMessage> => {
    const command = readCommand(form, listed);
    if (!command) {
      await reload();
      return null; // that session is no longer listed: the list now says so
    }
    if (command.kind === "everywhere") {
      const result = await mutate<{ sessionsEnded: number }>("/logout-all", { method: "POST" });
      if (!result.ok) return { kind: "error", text: result.error };
      signedOut();
      return null;
    }
    const result = await mutate<{ current: boolean }>(`/sessions/${command.device.id}`, { method: "DELETE" });
    if (!result.ok) return { kind: "error", text: result.error };
    if (result.data.current) {
      signedOut();
      return null;
    }
    await reload();
    return { kind: "ok", text: "Session revoked: that device is signed out on its next request." };
  }, null);

  return (
    <form className="stack" action={act}>
      <Status value={value}>
        {({ sessions }) => (
          <ul className="list" aria-label="Active sessions">
            {sessions.map((d) => {
              const device = describeUserAgent(d.userAgent);
              return (
                <li key={d.id} className="card row" data-testid="device">
                  <div>
                    <strong title={d.userAgent ?? undefined}>{d.current ? `This browser (${device})` : device}</strong>
                    <small className="muted">
                      {" "}
                      signed in {formatTime(d.createdAt)} · last active {formatRelative(d.lastSeenAt)} · idle expiry{" "}
                      {formatRelative(d.expiresAt)}
                    </small>
                  </div>
                  <button type="submit" name="session" value={d.id} className="secondary" disabled={acting}>
                    {d.current ? "Sign out" : "Revoke"}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </Status>
      <button type="submit" name="intent" value="everywhere" className="danger" disabled={acting}>
        Sign out everywhere
      </button>
      <Message message={message} />
    </form>
  );
}

/** Which button was pressed: "Sign out everywhere", or one session's Revoke / Sign out. */
function readCommand(form: FormData, listed: readonly DeviceDto[]): DevicesCommand | null {
  if (textField(form, "intent") === "everywhere") return { kind: "everywhere" };
  const device = listed.find((d) => d.id === textField(form, "session"));
  return device ? { kind: "revoke", device } : null;
}
