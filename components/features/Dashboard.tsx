"use client";

import type { MeResponse } from "@/lib/api-types";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { formatRelative, formatTime } from "./format";
import { Status } from "./Status";
import { useApiData } from "./use-api";

export function Dashboard({ strategy }: { strategy: StrategyId }) {
  const { value } = useApiData<MeResponse>(strategy, "/me");
  const info = STRATEGIES[strategy];
  return (
    <Status value={value}>
      {({ user, session, database }) => {
        const differences = [
          database && database.name !== user.name && `name “${user.name}” (the database says “${database.name}”)`,
          database && database.role !== user.role && `role “${user.role}” (the database says “${database.role}”)`,
        ].filter((d): d is string => typeof d === "string");
        const disabled = database?.disabled ?? false;
        return (
          <div className="grid">
            <section className="card">
              <h2>Profile</h2>
              <dl className="facts">
                <dt>Name</dt>
                <dd data-testid="profile-name">{user.name}</dd>
                <dt>Email</dt>
                <dd data-testid="profile-email">{user.email ?? "—"}</dd>
                <dt>Role</dt>
                <dd data-testid="profile-role">{user.role}</dd>
              </dl>
              {(differences.length > 0 || disabled) && (
                <div className="warning" data-testid="stale-warning">
                  <p>
                    <strong>This session is out of date.</strong>{" "}
                    {differences.length > 0 && <>It still carries {differences.join(" and ")}. </>}
                    {disabled && <>The account has been disabled, yet this session still works. </>}
                  </p>
                  <p>
                    This strategy&apos;s credential keeps its copy until it is re-issued or expires ({formatRelative(session.expiresAt)}).
                  </p>
                </div>
              )}
            </section>
            <section className="card">
              <h2>This session, as the server sees it</h2>
              <dl className="facts">
                <dt>Strategy</dt>
                <dd data-testid="session-strategy">{session.strategy}</dd>
                <dt>Issued at</dt>
                <dd>{formatTime(session.issuedAt)}</dd>
                <dt>Expires at</dt>
                <dd>
                  {formatTime(session.expiresAt)} <span className="muted">({formatRelative(session.expiresAt)})</span>
                </dd>
                <dt>Credential size</dt>
                <dd data-testid="credential-bytes">
                  {session.credentialBytes} bytes <span className="muted">sent with every request ({info.credentialHome})</span>
                </dd>
              </dl>
            </section>
          </div>
        );
      }}
    </Status>
  );
}
