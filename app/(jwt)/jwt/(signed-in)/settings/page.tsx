import { Settings } from "@/components/features/Settings";

export default function Page() {
  return <Settings strategy="jwt" />;
}
