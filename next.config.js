// @ts-check
// Plain JavaScript typed through JSDoc, as create-t3-app's template does: Next.js loads it
// as is, and `npm run typecheck` still checks it (tsconfig includes it; allowJs + @ts-check).

/** @type {import('next').NextConfig} */
const nextConfig = {
  // better-sqlite3 and pg are native/Node packages: load them from node_modules, do not bundle.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "pino"],
  experimental: {
    // forbidden() for the admin pages of the server-guarded strategies.
    authInterrupts: true,
  },
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
        ],
      },
      {
        // Signed-in pages must not be cached by the browser or a proxy (back button after sign-out).
        source: "/:strategy(stateful|cookie|jwt|nextauth)/:path*",
        headers: [
          { key: "Cache-Control", value: "no-store" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
      {
        // The cross-domain handoff (docs/handoff.md): its URLs may carry a one-time token, which must reach
        // neither a cache nor another site's logs through a Referer.
        source: "/:area(partner|handoff|api/handoff)/:path*",
        headers: [
          { key: "Cache-Control", value: "no-store" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
};

export default nextConfig;
