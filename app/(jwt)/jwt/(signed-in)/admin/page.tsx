import { Admin } from "@/components/features/Admin";

// The API answers 403 to non-admins; the page shows it.
export default function Page() {
  return <Admin strategy="jwt" />;
}
