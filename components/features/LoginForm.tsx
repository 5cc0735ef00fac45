"use client";

import { useRouter, useSearchParams } from "next/navigation";
import Link from "next/link";
import { useEffect, useState } from "react";
import { api, jwtStorage } from "@/lib/client/api";
import type { PublicUser } from "@/lib/api-types";
import { safeNext } from "@/lib/paths";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";

function describeAuthJsError(error: string | null, code: string | null): string | null {
  if (!error) return null;
  if (code === "disabled") return "This account is disabled.";
  return error === "CredentialsSignin" ? "Invalid email or password." : "Sign-in failed. Please try again.";
}

export function LoginForm({ strategy, demoAccounts }: { strategy: StrategyId; demoAccounts: { email: string; role: string }[] }) {
  const router = useRouter();
  const params = useSearchParams();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // Auth.js's own endpoints send failed sign-ins back here with ?error=…&code=….
  const [error, setError] = useState<string | null>(() => describeAuthJsError(params.get("error"), params.get("code")));
  const [busy, setBusy] = useState(false);
  const [signedInAs, setSignedInAs] = useState<string | null>(null);

  // Already signed in with this strategy? Say so, rather than silently offering a second sign-in.
  useEffect(() => {
    let current = true;
    void api<{ user: { name: string } }>(strategy, "/check").then((r) => {
      if (current && r.ok) setSignedInAs(r.data.user.name);
    });
    return () => {
      current = false;
    };
  }, [strategy]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api<{ user: PublicUser; token?: string; expiresAt: string }>(strategy, "/login", {
      method: "POST",
      body: { email, password },
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    if (strategy === "jwt" && result.data.token) jwtStorage.set({ token: result.data.token, expiresAt: result.data.expiresAt });
    router.replace(safeNext(strategy, params.get("next")));
    router.refresh();
  }

  return (
    <div className="grid">
      <form className="card form" onSubmit={submit} aria-label="Sign in">
        <h2>Sign in with {STRATEGIES[strategy].label}</h2>
        {signedInAs && (
          <p className="notice">
            You are already signed in as {signedInAs}. <Link href={`/${strategy}`}>Go to the dashboard</Link>, or sign in again to replace
            this session.
          </p>
        )}
        <label>
          Email
          <input type="email" name="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
      </form>
      <section className="card">
        <h2>Demo accounts</h2>
        <p className="muted">
          Both use the demo password (env DEMO_PASSWORD, default <code>lab-demo-password</code>).
        </p>
        <ul className="plain">
          {demoAccounts.map((a) => (
            <li key={a.email}>
              <code>{a.email}</code> ({a.role}){" "}
              <button type="button" className="link" onClick={() => setEmail(a.email)}>
                use
              </button>
            </li>
          ))}
        </ul>
        <p className="muted">{STRATEGIES[strategy].summary}</p>
      </section>
    </div>
  );
}
