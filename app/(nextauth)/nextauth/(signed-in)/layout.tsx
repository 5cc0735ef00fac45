import { ServerSessionGuard } from "@/components/guards/ServerSessionGuard";

export default function Layout({ children }: { children: React.ReactNode }) {
  return <ServerSessionGuard strategy="nextauth">{children}</ServerSessionGuard>;
}
