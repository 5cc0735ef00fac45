import { ClientSessionGuard } from "@/components/guards/ClientSessionGuard";
import { StrategyNav } from "@/components/StrategyNav";

// Client-side guard: bearer tokens are not sent on navigation (see the component).
export default function Layout({ children }: { children: React.ReactNode }) {
  return (
    <ClientSessionGuard strategy="jwt">
      <StrategyNav strategy="jwt" />
      {children}
    </ClientSessionGuard>
  );
}
