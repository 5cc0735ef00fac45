import { STRATEGIES, type StrategyId } from "@/lib/strategies";

/**
 * A strategy's frame: its colour, its name and where its credential lives.
 * Each `(strategy)` route group's layout renders it around every page of that
 * strategy, sign-in included; the signed-in layout adds the section links.
 */
export function StrategyShell({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  const info = STRATEGIES[strategy];
  return (
    <div className="shell" data-strategy={strategy}>
      <div className="shell-head">
        <h1>{info.label}</h1>
        <p className="muted">Credential: {info.credentialHome}</p>
      </div>
      {children}
    </div>
  );
}
