import { Dashboard } from "@/components/features/Dashboard";

export default function Page() {
  return <Dashboard strategy="stateful" />;
}
