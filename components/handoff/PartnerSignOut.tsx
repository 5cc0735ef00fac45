"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { HANDOFF_ROUTES } from "@/lib/handoff";

/** Sign out on B only. */
export function PartnerSignOut() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function signOut() {
    setBusy(true);
    const res = await fetch(HANDOFF_ROUTES.partnerLogout, { method: "POST", headers: { Accept: "application/json" } }).catch(() => null);
    setBusy(false);
    if (!res?.ok) return setError("Could not sign out. Try again.");
    router.refresh();
  }
  return (
    <>
      <button type="button" className="button" onClick={signOut} disabled={busy}>
        Sign out of the partner app
      </button>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
