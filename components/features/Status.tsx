import type { Loadable } from "./use-api";

/** Loading and error states shared by every feature panel. */
export function Status<T>({ value, children }: { value: Loadable<T>; children: (data: T) => React.ReactNode }) {
  if (value.state === "loading")
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  if (value.state === "error") {
    return (
      <p className="alert" role="alert">
        {value.code === "forbidden" ? "403 Forbidden: " : value.code === "unsupported" ? "Not supported: " : `Error ${value.status}: `}
        {value.error}
      </p>
    );
  }
  return <>{children(value.data)}</>;
}

/** A form's outcome line: null for none. */
export type FlashMessage = { kind: "ok" | "error"; text: string } | null;

export function Message({ message }: { message: FlashMessage }) {
  if (!message) return null;
  return (
    <p className={message.kind === "ok" ? "notice" : "alert"} role={message.kind === "ok" ? "status" : "alert"}>
      {message.text}
    </p>
  );
}
