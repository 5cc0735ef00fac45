import { randomUUID } from "node:crypto";
import { createUser } from "@/lib/server/data/users";
import { hashPassword } from "@/lib/server/passwords";
import type { Role } from "@/lib/strategies";

export const TEST_PASSWORD = "right-password";
let passwordHash: Promise<string> | null = null;

/** A fresh user in the unit-test database (hashing the password once per file). */
export async function newUser(name = "Vera", role: Role = "member"): Promise<{ id: string; email: string }> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = `user-${randomUUID()}@example.com`;
  const { id } = await createUser({ email, name, role, passwordHash: await passwordHash });
  return { id, email };
}
