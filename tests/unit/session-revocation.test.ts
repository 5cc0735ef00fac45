import { describe, expect, it } from "vitest";
import { verifyCredentials } from "@/lib/server/auth/credentials";
import { getDb } from "@/lib/server/db/client";
import { deleteUserSessions } from "@/lib/server/data/sessions";
import { updateUser } from "@/lib/server/data/users";
import { memoryContext } from "@/lib/server/http/credential-context";
import { createStatefulStrategy } from "@/lib/server/strategies/stateful";
import type { Credentials } from "@/lib/server/strategies/types";
import { newUser, TEST_PASSWORD } from "../support/db-user";
import { fakeClock } from "../support/fake-clock";

// User.sessionVersion is the one counter every revocable credential is checked
// against: stateful rows store the version they were issued under, and the
// session join accepts them only while it equals the user's.

function stateful(verify: (c: Credentials) => ReturnType<typeof verifyCredentials> = verifyCredentials) {
  return createStatefulStrategy({ clock: fakeClock(Date.now()), idleSeconds: 600, absoluteSeconds: 3600, verifyCredentials: verify });
}

async function signedIn(strategy: ReturnType<typeof stateful>, email: string) {
  const ctx = memoryContext();
  expect((await strategy.signIn({ email, password: TEST_PASSWORD }, ctx)).ok).toBe(true);
  return ctx;
}

describe("a password change ends every stateful session, whichever strategy handled it", () => {
  it("ends them all when another strategy (no stateful session to keep) changed it", async () => {
    const { id, email } = await newUser();
    const strategy = stateful();
    const [a, b] = [await signedIn(strategy, email), await signedIn(strategy, email)];
    const changed = await updateUser(id, { passwordHash: "changed-elsewhere" });
    expect(changed?.statefulSessionsEnded).toBe(2);
    expect((await strategy.validate(a)).session).toBeNull();
    expect((await strategy.validate(b)).session).toBeNull();
    expect(await getDb().session.count({ where: { userId: id } })).toBe(0);
  });

  it("keeps only the stateful session that changed it, moved to the new version", async () => {
    const { id, email } = await newUser();
    const strategy = stateful();
    const [mine, other] = [await signedIn(strategy, email), await signedIn(strategy, email)];
    const mySession = (await strategy.validate(mine)).session!;
    const changed = await updateUser(id, { passwordHash: "changed-here" }, { keepStatefulSessionId: mySession.id });
    expect(changed?.statefulSessionsEnded).toBe(1);
    expect((await strategy.validate(mine)).session?.id).toBe(mySession.id);
    expect((await strategy.validate(other)).session).toBeNull();
  });

  it("a sign-in whose password check ran before the change leaves no live session", async () => {
    const { id, email } = await newUser();
    // The change lands between the password check (which read the old version) and the row's insert.
    const racing = stateful(async (credentials) => {
      const check = await verifyCredentials(credentials);
      await updateUser(id, { passwordHash: "changed-meanwhile" });
      return check;
    });
    const ctx = await signedIn(racing, email);
    expect(await getDb().session.count({ where: { userId: id } })).toBe(1);
    expect((await racing.validate(ctx)).session).toBeNull();
  });

  it("sign out everywhere bumps the version too, so version-checked credentials of other variants end with it", async () => {
    const { id, email } = await newUser();
    const strategy = stateful();
    const [mine, other] = [await signedIn(strategy, email), await signedIn(strategy, email)];
    const before = (await getDb().user.findUniqueOrThrow({ where: { id } })).sessionVersion;
    expect(await deleteUserSessions(id, (await strategy.validate(mine)).session!.id)).toBe(1);
    expect((await getDb().user.findUniqueOrThrow({ where: { id } })).sessionVersion).toBe(before + 1);
    expect((await strategy.validate(mine)).session).not.toBeNull();
    expect((await strategy.validate(other)).session).toBeNull();
  });

  it("disabling ends the stateful rows in the same transaction", async () => {
    const { id, email } = await newUser();
    const strategy = stateful();
    await signedIn(strategy, email);
    expect((await updateUser(id, { disabled: true }))?.statefulSessionsEnded).toBe(1);
    expect(await getDb().session.count({ where: { userId: id } })).toBe(0);
  });
});
