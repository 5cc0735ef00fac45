import { FLOOR_GOAL, THROUGHPUT_GOAL } from "@/lib/bench/verdicts";
import type { BenchReport, LatestBench } from "@/lib/server/bench-results";

// The latest `npm run bench` (scripts/bench/run.ts) next to the matrix: what
// a check costs in process and under load, against its library floor and the
// same route without a credential. A server component: the page reads the
// file per request (lib/server/bench-results.ts) and passes what it found.

const TARGET_RATIO = THROUGHPUT_GOAL;
const us = (v: number) => (v >= 100 ? Math.round(v).toLocaleString("en") : v.toFixed(1));
const pct = (r: number) => `${Math.round(r * 100)}%`;

export function BenchPanel({ bench }: { bench: LatestBench }) {
  return (
    <section className="card stack" aria-labelledby="bench-title" data-testid="bench-panel">
      <h2 id="bench-title">What a check costs under load</h2>
      {bench.state === "none" && (
        <p className="muted" style={{ margin: 0 }} data-testid="bench-none">
          No benchmark run yet: <code>npm run bench</code> (after <code>npm run build</code>) measures every variant on this machine, and
          the results appear here.
        </p>
      )}
      {bench.state === "unreadable" && (
        <p className="alert" style={{ margin: 0 }} data-testid="bench-unreadable">
          The latest benchmark result cannot be shown: {bench.reason}. Run <code>npm run bench</code> again.
        </p>
      )}
      {bench.state === "ok" && <BenchResult report={bench.report} sameMachine={bench.sameMachine} sameBuild={bench.sameBuild} />}
    </section>
  );
}

function BenchResult({ report: r, sameMachine, sameBuild }: { report: BenchReport; sameMachine: boolean; sameBuild: boolean }) {
  const floor = (id: string) => r.inProcess.floors[id]?.medianUs;
  const byVariant = new Map(r.inProcess.variants.map((v) => [v.variant, v]));
  const worst = r.http.rows.reduce((a, b) => (b.ratio < a.ratio ? b : a), r.http.rows[0]!);
  return (
    <>
      <p className="muted" style={{ margin: 0 }} data-testid="bench-when">
        <code>npm run bench{r.mode === "quick" ? " -- --quick" : ""}</code> of{" "}
        <time dateTime={r.measuredAt}>{new Date(r.measuredAt).toUTCString()}</time>: {r.machine.cores} cores ({r.machine.cpuModel}), Node{" "}
        {r.machine.node}, {r.database === "sqlite" ? "SQLite" : "PostgreSQL"}, load average {r.machine.loadAverage.start} →{" "}
        {r.machine.loadAverage.end}; {r.http.pinning}. Commit <code>{r.build.commit?.slice(0, 12) ?? "unknown"}</code>.
      </p>
      {(!sameMachine || !sameBuild) && (
        <p className="alert" style={{ margin: 0 }} data-testid="bench-elsewhere">
          {!sameMachine && "Measured on another machine than the one serving this page. "}
          {!sameBuild && `Measured against another build (${r.build.id}) than the one serving this page. `}
          Its figures say little about this server: run <code>npm run bench</code> here.
        </p>
      )}
      <figure style={{ margin: 0 }}>
        <RatioChart report={r} />
        <figcaption className="muted">
          Protected ÷ baseline (requests per server CPU-second). Green reaches the {pct(TARGET_RATIO)} goal; amber is held back by its
          library&apos;s own floor; red would be ours to fix.
        </figcaption>
      </figure>
      <div className="table-scroll">
        <table className="matrix">
          <caption className="muted" style={{ textAlign: "left" }}>
            In process: {r.counts.iterations} sequential checks per variant (µs). Under load: <code>GET /api/&#123;v&#125;/check</code> with
            autocannon ({r.http.connections} connections, {r.http.rounds} × {r.http.durationSeconds} s per path, median round) signed in,
            against the same route without a credential (401). The ratio is the median of paired rounds&apos; ratios of requests per second
            of the server&apos;s CPU time, its throughput on a core of its own; other work on a shared machine moves the wall-clock ratio
            much more.
          </caption>
          <thead>
            <tr>
              <th scope="col">variant</th>
              <th scope="col">check median / p99, µs</th>
              <th scope="col">after a cache eviction, µs</th>
              <th scope="col">library floor, µs</th>
              <th scope="col">× floor</th>
              <th scope="col">req/s signed in / without</th>
              <th scope="col">req per server CPU-second signed in / without</th>
              <th scope="col">protected ÷ baseline (wall clock)</th>
              <th scope="col">check in the server (Server-Timing), µs</th>
            </tr>
          </thead>
          <tbody>
            {r.http.rows.map((h) => {
              const ip = byVariant.get(h.variant);
              return (
                <tr key={h.variant} data-testid={`bench-${h.variant}`}>
                  <th scope="row">
                    <code>{h.variant}</code>
                  </th>
                  <td>{ip ? `${us(ip.check.medianUs)} / ${us(ip.check.p99Us)}` : "–"}</td>
                  <td>{ip?.coldCheck ? us(ip.coldCheck.medianUs) : "–"}</td>
                  <td>{ip ? `${us(ip.floorUs)} (${ip.floorChain.join(" + ")})` : "–"}</td>
                  <td className={ip && ip.ratioToFloor > FLOOR_GOAL ? "alert" : undefined}>{ip ? ip.ratioToFloor.toFixed(2) : "–"}</td>
                  <td>
                    {Math.round(h.protected.reqPerSec)} / {Math.round(h.baseline.reqPerSec)}
                  </td>
                  <td>
                    {Math.round(h.protected.reqPerCpuSecond)} / {Math.round(h.baseline.reqPerCpuSecond)}
                  </td>
                  <td className={h.ratio < TARGET_RATIO ? "alert" : undefined}>
                    {pct(h.ratio)} ({pct(h.wallRatio)})
                  </td>
                  <td>{us(h.serverCheck.medianUs)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p style={{ margin: 0 }} data-testid="bench-summary">
        <strong>
          protected/baseline: min {pct(worst.ratio)} ({worst.variant})
        </strong>{" "}
        (goal ≥ {pct(TARGET_RATIO)}). Server memory {r.http.rssMb.peak} MB at peak under this load ({r.http.rssMb.idle} MB idle; goal &lt;
        300 MB). A full comparison matrix{r.http.matrix.args.length ? ` (${r.http.matrix.args.join(" ")})` : ""}: {r.http.matrix.cells}{" "}
        cells in {r.http.matrix.wallSeconds.toFixed(1)} s (goal &lt; 30 s).
      </p>
      {r.summary.belowGoal && r.summary.belowGoal.length > 0 && (
        <>
          <h3>Under {pct(TARGET_RATIO)}, and why</h3>
          <ul className="stack" style={{ margin: 0 }} data-testid="bench-below-goal">
            {r.summary.belowGoal.map((v) => (
              <li key={v.variant}>
                <code>{v.variant}</code> {pct(v.ratio)}, {v.cause === "library" ? "held back by its library" : "ours to fix"}: {v.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {r.summary.overFloor && r.summary.overFloor.length > 0 && (
        <>
          <h3>In-process checks over {FLOOR_GOAL}× their floor</h3>
          <ul className="stack" style={{ margin: 0 }} data-testid="bench-over-floor">
            {r.summary.overFloor.map((v) => (
              <li key={v.variant}>
                <code>{v.variant}</code> {v.ratioToFloor.toFixed(2)}×: {v.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      <p className="muted" style={{ margin: 0 }}>
        Why a check costs more in the server than in process: the in-process figure is a hot loop, with the check&apos;s code and data in
        the CPU&apos;s caches. In the server each check runs after the framework&apos;s request handling has filled them with other code;
        the same check in process after a cache eviction comes close to the server&apos;s figure.
      </p>
      <h3>Costs the libraries impose, measured in this run</h3>
      <ul className="stack" style={{ margin: 0 }}>
        <li>
          <strong>iron-session</strong> derives its keys (PBKDF2) on every unseal, by design: {us(floor("iron-unseal") ?? 0)} µs per unseal
          against {us(floor("hmac-sha256") ?? 0)} µs for an HMAC of the same size. <code>cookie-cache</code> pays it once per seal (a
          bounded cache by the seal&apos;s hash, never past its exp).
        </li>
        <li>
          <strong>Auth.js</strong> derives its key (HKDF) and decrypts on every read ({us(floor("authjs-decode") ?? 0)} µs for its{" "}
          <code>decode()</code> alone), then re-encrypts the token and re-sets the cookie, also on every read. <code>nextauth-lazy</code>{" "}
          re-issues only past half the lifetime and decodes a token once.
        </li>
        <li>
          <strong>Prisma</strong>: one indexed lookup costs {us(floor("prisma-lookup") ?? 0)} µs through <code>$queryRaw</code> and{" "}
          {us(floor("driver-lookup") ?? 0)} µs through the raw driver with a statement prepared once. The session checks read through the
          connection Prisma&apos;s driver adapter opened, skipping its query engine; on SQLite with a statement prepared once per connection
          (the adapter prepares every query afresh, which was half of the <code>stateful</code> check in a server profile).
        </li>
        <li>
          <strong>jose</strong> verifies an HS256 JWT in {us(floor("jose-verify") ?? 0)} µs with a key imported once: the floor of the{" "}
          <code>jwt</code> variants.
        </li>
      </ul>
    </>
  );
}

/**
 * protected ÷ baseline per variant as bars against the goal line: green at or over the goal, amber when its
 * library's floor rules the goal out (lib/bench/verdicts.ts), red when it is ours to fix.
 */
function RatioChart({ report: r }: { report: BenchReport }) {
  const causes = new Map((r.summary.belowGoal ?? []).map((v) => [v.variant, v.cause]));
  const rowHeight = 22;
  const labelWidth = 130;
  const barWidth = 420;
  const max = Math.max(1.1, ...r.http.rows.map((h) => h.ratio));
  const x = (ratio: number) => labelWidth + (ratio / max) * barWidth;
  const height = r.http.rows.length * rowHeight + 24;
  const color = (variant: string, ratio: number) =>
    ratio >= TARGET_RATIO ? "var(--ok-fg)" : causes.get(variant) === "library" ? "var(--warn-fg)" : "var(--err-fg)";
  return (
    <svg
      className="bench-chart"
      viewBox={`0 0 ${labelWidth + barWidth + 60} ${height}`}
      role="img"
      aria-labelledby="bench-chart-title"
      data-testid="bench-chart"
    >
      <title id="bench-chart-title">
        Protected route ÷ unauthenticated baseline per variant, against the {pct(TARGET_RATIO)} goal: green reaches it, amber is held back
        by its library, red is ours to fix.
      </title>
      {r.http.rows.map((h, i) => (
        <g key={h.variant} transform={`translate(0 ${i * rowHeight})`}>
          <text x={labelWidth - 8} y={15} textAnchor="end" fontSize="12" fontFamily="monospace">
            {h.variant}
          </text>
          <rect x={labelWidth} y={4} width={x(h.ratio) - labelWidth} height={14} fill={color(h.variant, h.ratio)} opacity="0.85" />
          <text x={x(h.ratio) + 6} y={15} fontSize="12">
            {pct(h.ratio)}
          </text>
        </g>
      ))}
      <line x1={x(TARGET_RATIO)} x2={x(TARGET_RATIO)} y1={0} y2={height - 20} stroke="var(--fg)" strokeDasharray="4 3" />
      <text x={x(TARGET_RATIO)} y={height - 6} fontSize="11" textAnchor="middle" fill="var(--muted)">
        goal {pct(TARGET_RATIO)}
      </text>
      <line x1={x(1)} x2={x(1)} y1={0} y2={height - 20} stroke="var(--border)" />
    </svg>
  );
}
