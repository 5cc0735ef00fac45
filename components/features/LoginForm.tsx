"use client";

import { useSearchParams } from "next/navigation";
import Link from "next/link";
import { useActionState, useEffect, useRef, useState } from "react";
import { api, jwtStorage } from "@/lib/client/api";
import type { PublicUser } from "@/lib/api-types";
import { safeNext } from "@/lib/paths";
import { STRATEGIES, type StrategyId } from "@/lib/strategies";
import { failed, textField, type FormState } from "./forms";
import { Message } from "./Status";

// Auth.js's own endpoints send failed sign-ins back here with ?error=…&code=…: the form starts by explaining it.
function initialState(error: string | null, code: string | null): FormState<{ email: string }> {
  const values = { email: "" };
  if (!error) return { message: null, values };
  if (code === "disabled") return failed("This account is disabled.", values);
  return failed(error === "CredentialsSignin" ? "Invalid email or password." : "Sign-in failed. Please try again.", values);
}

interface SignedIn {
  user: PublicUser;
  token?: string;
  expiresAt: string;
}

export function LoginForm({ strategy, demoAccounts }: { strategy: StrategyId; demoAccounts: { email: string; role: string }[] }) {
  const params = useSearchParams();
  const emailField = useRef<HTMLInputElement>(null);
  const passwordField = useRef<HTMLInputElement>(null);
  const [signedInAs, setSignedInAs] = useState<string | null>(null);

  const [state, signIn, signingIn] = useActionState(
    async (_previous: FormState<{ email: string }>, form: FormData): Promise<FormState<{ email: string }>> => {
      const email = textField(form, "email");
      const result = await api<SignedIn>(strategy, "/login", { method: "POST", body: { email, password: textField(form, "password") } });
      if (!result.ok) return failed(result.error, { email });
      if (strategy === "jwt" && result.data.token) jwtStorage.set({ token: result.data.token, expiresAt: result.data.expiresAt });
      // A full page load, not router.replace(): the client router may hold prefetched answers from
      // before sign-in (e.g. "/notes → sign-in page" redirects) that would send the user back here.
      window.location.replace(safeNext(strategy, params.get("next")));
      return { message: null, values: { email } };
    },
    initialState(params.get("error"), params.get("code")),
  );

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

  function fillDemoAccount(email: string) {
    if (emailField.current) emailField.current.value = email;
    passwordField.current?.focus();
  }

  return (
    <div className="grid">
      <form className="card form" action={signIn} aria-label="Sign in">
        <h2>Sign in with {STRATEGIES[strategy].label}</h2>
        {signedInAs && (
          <p className="notice">
            You are already signed in as {signedInAs}. <Link href={`/${strategy}`}>Go to the dashboard</Link>, or sign in again to replace
            this session.
          </p>
        )}
        <label>
          Email
          <input ref={emailField} type="email" name="email" autoComplete="username" defaultValue={state.values.email} required />
        </label>
        <label>
          Password
          <input ref={passwordField} type="password" name="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={signingIn}>
          {signingIn ? "Signing in…" : "Sign in"}
        </button>
        {/* A new attempt hides the last one's error. */}
        <Message message={signingIn ? null : state.message} />
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
              <button type="button" className="link" onClick={() => fillDemoAccount(a.email)}>
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
