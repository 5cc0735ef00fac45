import type { Role } from "@/lib/strategies";

/** The seeded demo users. Their password is env DEMO_PASSWORD (default "lab-demo-password"). */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: "alice@example.com", name: "Alice Admin", role: "admin" },
  { email: "bob@example.com", name: "Bob Member", role: "member" },
];
