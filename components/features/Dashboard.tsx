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
        const staleName = database && database.name !== user.name;
        const staleRole = database && database.role !== user.role;
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
              {(staleName || staleRole || database?.disabled) && (
                <p className="warning" data-testid="stale-warning">
                  Your session is out of date: it says {staleName && <>name “{user.name}”</>}
                  {staleName && staleRole && " and "}
                  {staleRole && <>role “{user.role}”</>}
                  {database?.disabled && <> while the account is disabled</>}; the database now says{" "}
                  {staleName && <>“{database.name}”</>}
                  {staleName && staleRole && " and "}
                  {staleRole && <>“{database.role}”</>}
                  {database?.disabled && !staleName && !staleRole && <>disabled</>}. A {info.label.toLowerCase()} keeps
                  its copy until it is re-issued or expires.
                </p>
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
