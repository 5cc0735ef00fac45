import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "lib/server/db/generated/**",
      "next-env.d.ts",
      "playwright-report/**",
      "test-results/**",
      "data/**",
    ],
  },
  {
    // Browser code must never pull in server modules (secrets, database, keys).
    files: [
      "lib/client/**",
      "components/features/**",
      "components/handoff/**",
      "components/ModeSwitcher.tsx",
      "components/StrategyNav.tsx",
      "lib/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/server/*", "**/lib/server/*"], message: "Server-only module: not for client code." }] },
      ],
    },
  },
  {
    // proxy.ts imports the cookie names from here: keep the module free of Node-only (or any runtime) imports.
    files: ["lib/server/cookies.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**"], allowTypeImports: true, message: "Imported by proxy.ts: type imports only here." }] },
      ],
    },
  },
];

export default config;
