import { Forbidden } from "@/components/Forbidden";

export default function ForbiddenPage() {
  return <Forbidden />;
}
