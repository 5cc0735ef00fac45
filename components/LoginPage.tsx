import { Suspense } from "react";
import { LoginForm } from "@/components/features/LoginForm";
import { DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import type { StrategyId } from "@/lib/strategies";

/** A strategy's sign-in page (its route group's layout supplies the frame). */
export function LoginPage({ strategy }: { strategy: StrategyId }) {
  return (
    // useSearchParams() (?next=, Auth.js's ?error=) needs a Suspense boundary in a static page.
    <Suspense>
      <LoginForm strategy={strategy} demoAccounts={DEMO_ACCOUNTS.map(({ email, role }) => ({ email, role }))} />
    </Suspense>
  );
}
