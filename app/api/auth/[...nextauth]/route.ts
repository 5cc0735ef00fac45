import NextAuth, { type NextAuthConfig } from "next-auth";
import { nextAuthOptions } from "@/lib/server/strategies";
import { createNextAuthConfig } from "@/lib/server/strategies/nextauth";

// The standard Auth.js endpoints (session, csrf, signin, signout, callback)
// with the same settings as the nextauth strategy. The config is built here,
// in this route's own bundle: Auth.js tells its errors apart with instanceof,
// so its classes must come from the copy of @auth/core this route runs.
// Lazy, so building the app needs no secrets.
let config: NextAuthConfig | undefined;
const { handlers } = NextAuth(() => (config ??= createNextAuthConfig(nextAuthOptions()) as NextAuthConfig));

export const { GET, POST } = handlers;
