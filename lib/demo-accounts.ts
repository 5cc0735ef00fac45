import type { Role } from "@/lib/strategies";

/** Password of the seeded demo accounts unless env DEMO_PASSWORD says otherwise. */
export const DEFAULT_DEMO_PASSWORD = "lab-demo-password";

/** The seeded demo users. Their password is env DEMO_PASSWORD (default DEFAULT_DEMO_PASSWORD). */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: "alice@example.com", name: "Alice Admin", role: "admin" },
  { email: "bob@example.com", name: "Bob Member", role: "member" },
];
