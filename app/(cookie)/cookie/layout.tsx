import { StrategyShell } from "@/components/StrategyShell";

// The cookie frame around every page of this group, sign-in included.
export default function Layout({ children }: { children: React.ReactNode }) {
  return <StrategyShell strategy="cookie">{children}</StrategyShell>;
}
