import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { StrategyNav } from "./StrategyNav";

function ShellHead({ strategy, nav }: { strategy: StrategyId; nav: boolean }) {
  const info = STRATEGIES[strategy];
  return (
    <div className="shell-head">
      <div>
        <h1>{info.label}</h1>
        <p className="muted">Credential: {info.credentialHome}</p>
      </div>
      {nav && <StrategyNav strategy={strategy} />}
    </div>
  );
}

/** Frame of a signed-in strategy page: title, section links, sign-out. */
export function StrategyShell({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  return (
    <div className="shell" data-strategy={strategy}>
      <ShellHead strategy={strategy} nav />
      {children}
    </div>
  );
}

/** The same frame without section links, for the sign-in page. */
export function StrategyShellPlain({ strategy, children }: { strategy: StrategyId; children: React.ReactNode }) {
  return (
    <div className="shell" data-strategy={strategy}>
      <ShellHead strategy={strategy} nav={false} />
      {children}
    </div>
  );
}
