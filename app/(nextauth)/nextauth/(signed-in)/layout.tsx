import { ServerSessionGuard } from "@/components/guards/ServerSessionGuard";
import { StrategyNav } from "@/components/StrategyNav";

// Checked on the server for every page: no valid session, no page.
export default function Layout({ children }: { children: React.ReactNode }) {
  return (
    <ServerSessionGuard strategy="nextauth">
      <StrategyNav strategy="nextauth" />
      {children}
    </ServerSessionGuard>
  );
}
