import Link from "next/link";

export default function Forbidden() {
  return (
    <section className="card" data-testid="forbidden">
      <h1>403 Forbidden</h1>
      <p>This area is for admins only. Your session is valid, but its role is not admin.</p>
      <Link href="/">Home</Link>
    </section>
  );
}
