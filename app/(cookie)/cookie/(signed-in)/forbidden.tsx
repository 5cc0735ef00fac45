import { Forbidden } from "@/components/Forbidden";

// Rendered inside this group's signed-in layout, so the strategy's frame and links stay.
export default function ForbiddenPage() {
  return <Forbidden home="/cookie" />;
}
