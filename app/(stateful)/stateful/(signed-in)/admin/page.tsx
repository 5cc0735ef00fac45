import { Admin } from "@/components/features/Admin";
import { ServerAdminGate } from "@/components/guards/ServerSessionGuard";

export default function Page() {
  return (
    <ServerAdminGate strategy="stateful">
      <Admin strategy="stateful" />
    </ServerAdminGate>
  );
}
