import { Devices } from "@/components/features/Devices";

export default function Page() {
  return <Devices strategy="cookie" />;
}
