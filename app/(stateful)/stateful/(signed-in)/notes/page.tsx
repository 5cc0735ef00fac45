import { Notes } from "@/components/features/Notes";

export default function Page() {
  return <Notes strategy="stateful" />;
}
