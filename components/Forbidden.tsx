import Link from "next/link";

/** 403 page body, shared by the root and the signed-in route groups (which keep their frame). */
export function Forbidden({ home = "/" }: { home?: string }) {
  return (
    <section className="card" data-testid="forbidden">
      <h1>403 Forbidden</h1>
      <p>This area is for admins only. Your session is valid, but its role is not admin.</p>
      <Link href={home}>Back to the dashboard</Link>
    </section>
  );
}
