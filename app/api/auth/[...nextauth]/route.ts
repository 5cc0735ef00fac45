import NextAuth, { type NextAuthConfig } from "next-auth";
import { strategies } from "@/lib/server/strategies";

// The standard Auth.js endpoints (session, csrf, signin, signout, callback),
// with the same configuration the nextauth strategy uses. Lazy, so building
// the app needs no secrets.
const { handlers } = NextAuth(() => strategies().nextauth.config as NextAuthConfig);

export const { GET, POST } = handlers;
