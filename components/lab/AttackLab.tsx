"use client";

import Link from "next/link";
import { useState } from "react";
import type { AttackId, AttackResult as Result } from "@/lib/catalog/attacks";
import type { Outcome } from "@/lib/catalog/security-properties";
import type { VariantId } from "@/lib/catalog/variants";

// The attack lab: pick an attack and a variant, fire it at this server (POST /api/lab/attacks), and see the
// request as sent, the response as received, and the verdict against the security catalog.

export interface LabAttack {
  id: AttackId;
  label: string;
  property: string;
  title: string;
  sends: string;
  sources: string[];
  cells: { variant: VariantId; expected: Outcome; suite: { observed: string; detail: string } | null }[];
}

function expectationText(o: Outcome): string {
  if (o.outcome === "holds") return "expected: refused (the property holds)";
  if (o.outcome === "fails-by-design") return `expected: succeeds by design: ${o.reason}`;
  return `n/a: ${o.reason}`;
}

export function AttackLab({
  enabled,
  vulnerablePages,
  attacks,
  suiteRunAt,
}: {
  enabled: boolean;
  vulnerablePages: boolean;
  attacks: LabAttack[];
  suiteRunAt: string | null;
}) {
  const [attackId, setAttackId] = useState<AttackId>(attacks[0]!.id);
  const attack = attacks.find((a) => a.id === attackId)!;
  const [variant, setVariant] = useState<VariantId>(attack.cells[0]!.variant);
  const cell = attack.cells.find((c) => c.variant === variant) ?? attack.cells[0]!;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [results, setResults] = useState<Result[]>([]);

  async function fire() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/lab/attacks", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ attack: attackId, variant: cell.variant }),
      });
      const body = (await res.json()) as { result?: Result; error?: string };
      if (!res.ok || !body.result) setError(body.error ?? `HTTP ${res.status}`);
      else setResults((r) => [body.result!, ...r].slice(0, 10));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="stack">
      <section className="hero">
        <h1>Attack lab</h1>
        <p>
          Each attack tests one property of the <Link href="/compare#security">security catalog</Link>. Fire it at this server under any
          strategy or mitigation: the lab signs a throwaway account in, sends the attack over HTTP, deletes the account, and shows what was
          sent, what came back and whether that is what the catalog expects. The Playwright suite in <code>e2e/security/</code> asserts the
          same properties in depth{suiteRunAt ? <>; its last run here was {new Date(suiteRunAt).toLocaleString()}</> : null}.
        </p>
      </section>
      {!enabled && (
        <p className="warning" role="alert">
          The attack lab is off on this server: it creates throwaway accounts, like the comparison lab. It is on in the demo and in
          development; set SESSION_LAB_COMPARE=1 to allow it in production.
        </p>
      )}
      <section className="card stack" aria-labelledby="fire-title">
        <h2 id="fire-title">Fire an attack</h2>
        <div className="compare-controls">
          <label>
            Attack
            <select
              value={attackId}
              onChange={(e) => {
                const next = attacks.find((a) => a.id === e.target.value)!;
                setAttackId(next.id);
                if (!next.cells.some((c) => c.variant === variant)) setVariant(next.cells[0]!.variant);
              }}
              data-testid="attack-select"
            >
              {attacks.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.property} · {a.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Strategy / variant
            <select value={cell.variant} onChange={(e) => setVariant(e.target.value as VariantId)} data-testid="variant-select">
              {attack.cells.map((c) => (
                <option key={c.variant} value={c.variant}>
                  {c.variant}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={fire} disabled={busy || !enabled} data-testid="fire">
            {busy ? "Firing…" : "Fire"}
          </button>
        </div>
        <p style={{ margin: 0 }}>
          <strong>
            {attack.property} {attack.title}
          </strong>{" "}
          <span className="muted">({attack.sources.join("; ")})</span>
          <br />
          Sends: {attack.sends}
          <br />
          <span data-testid="expectation">{expectationText(cell.expected)}</span>
          {cell.suite && (
            <>
              <br />
              <span className="muted">
                Suite observed: {cell.suite.observed} ({cell.suite.detail})
              </span>
            </>
          )}
        </p>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
      </section>
      {results.map((r, i) => (
        <section key={`${r.attack}-${r.variant}-${results.length - i}`} className="card stack" data-testid="attack-result">
          <h2 style={{ margin: 0 }}>
            {r.attack} on <code>{r.variant}</code>:{" "}
            <span className="verdict" data-verdict={r.asExpected ? "match" : "mismatch"} data-testid="verdict">
              {r.refused ? "refused" : "succeeded"} · {r.asExpected ? "as the catalog expects" : "NOT as the catalog expects"}
            </span>
          </h2>
          <p style={{ margin: 0 }}>
            {r.explanation}{" "}
            <span className="muted">
              ({r.ms} ms; {expectationText(r.expected)})
            </span>
          </p>
          {r.exchanges.map((x, j) => (
            <div key={j} className="grid">
              <pre className="exchange" aria-label="request">
                {`${x.request.method} ${x.request.url}\n${Object.entries(x.request.headers)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join("\n")}${x.request.body ? `\n\n${x.request.body}` : ""}`}
              </pre>
              <pre className="exchange" aria-label="response">
                {`HTTP ${x.response.status}\n${Object.entries(x.response.headers)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join("\n")}\n\n${x.response.body}`}
              </pre>
            </div>
          ))}
        </section>
      ))}
      <section className="card stack" aria-labelledby="xss-title">
        <h2 id="xss-title">XSS: what an injected script can take (X5)</h2>
        {vulnerablePages ? (
          <p style={{ margin: 0 }}>
            Sign in to a strategy, then open the{" "}
            <a
              href={`/lab/vulnerable/xss?q=${encodeURIComponent("<img src=x onerror=\"document.querySelector('[data-testid=reflected]').textContent='cookie: '+document.cookie+' | storage: '+JSON.stringify(localStorage)\">")}`}
            >
              deliberately vulnerable page
            </a>{" "}
            (clearly labelled, on its own path): its script shows what it can read. With <code>jwt</code> that is the token itself, which
            keeps working after you sign out; the HttpOnly cookie strategies show nothing usable.
          </p>
        ) : (
          <p className="muted" style={{ margin: 0 }}>
            The deliberately vulnerable page is off on this server (SESSION_LAB_VULNERABLE_PAGES).
          </p>
        )}
      </section>
    </div>
  );
}
