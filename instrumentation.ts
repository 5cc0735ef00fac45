// Runs once when the Next.js server starts: validate the environment, apply
// pending migrations and seed an empty database with the demo accounts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { prepareServer } = await import("@/lib/server/startup");
  await prepareServer();
}
