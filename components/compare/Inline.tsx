import { Fragment } from "react";

/** Text from the report (lib/compare/report.ts), whose `ids` are set in backticks: render those as code. */
export function Inline({ text }: { text: string }) {
  const parts = text.split("`");
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}</>;
}
