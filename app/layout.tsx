import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { ModeSwitcher } from "@/components/ModeSwitcher";
import "./globals.css";

export const metadata: Metadata = {
  title: "Session Lab",
  description: "The same app with four session strategies, measured side by side.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, never prerendered: a page's scripts carry that request's CSP nonce (proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <Link href="/" className="brand">
            Session Lab
          </Link>
          <nav className="modes" aria-label="Lab">
            <Link href="/compare" className="mode">
              compare
            </Link>
            <Link href="/lab/attacks" className="mode">
              attack lab
            </Link>
          </nav>
          <ModeSwitcher />
        </header>
        <main className="main">{children}</main>
      </body>
    </html>
  );
}
