import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card">
      <h1>404 Not found</h1>
      <p>
        There is no page here. <Link href="/">Back to the strategies</Link>.
      </p>
    </section>
  );
}
