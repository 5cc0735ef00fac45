import { DEMO_ACCOUNTS } from "@/lib/demo-accounts";
import { getDb } from "@/lib/server/db/client";
import { createUser } from "@/lib/server/data/users";
import { hashPassword } from "@/lib/server/passwords";

/** Seeds the demo accounts into a database without users (a comparison run's throwaway accounts do not count). Returns how many it created. */
export async function seedDemoUsers(password: string): Promise<number> {
  const db = getDb();
  if ((await db.user.count({ where: { leaseId: null } })) > 0) return 0;
  const passwordHash = await hashPassword(password);
  let created = 0;
  for (const account of DEMO_ACCOUNTS) {
    try {
      await createUser({ ...account, passwordHash });
      created++;
    } catch {
      // Another process seeded the same account at the same moment (unique email): fine.
    }
  }
  return created;
}

/** Deletes every row (users cascade to sessions, notes and refresh families; the comparison history goes too) and seeds the demo accounts again. */
export async function resetDemoData(password: string): Promise<void> {
  const db = getDb();
  await db.$transaction([
    db.note.deleteMany(),
    db.session.deleteMany(),
    db.refreshFamily.deleteMany(),
    db.deniedToken.deleteMany(),
    db.user.deleteMany(),
    db.compareLease.deleteMany(),
    db.compareRun.deleteMany(),
  ]);
  await seedDemoUsers(password);
}
