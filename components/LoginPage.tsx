import { Suspense } from "react";
import { LoginForm } from "@/components/features/LoginForm";
import { StrategyShellPlain } from "@/components/StrategyShell";
import { DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import type { StrategyId } from "@/lib/strategies";

export function LoginPage({ strategy }: { strategy: StrategyId }) {
  return (
    <StrategyShellPlain strategy={strategy}>
      <Suspense>
        <LoginForm strategy={strategy} demoAccounts={DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role }))} />
      </Suspense>
    </StrategyShellPlain>
  );
}
