// Runs once when the Next.js server starts: answer what Next.js cannot parse
// (lib/server/http/raw-request-guard.ts), validate the environment, apply
// pending migrations and seed an empty database with the demo accounts.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installRawRequestGuard } = await import("@/lib/server/http/raw-request-guard");
  installRawRequestGuard();
  const { prepareServer } = await import("@/lib/server/startup");
  await prepareServer();
}
