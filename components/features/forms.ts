import type { FlashMessage } from "./Status";

// Forms are driven by React 19 actions (useActionState): each is a plain
// <form action={…}> of uncontrolled inputs whose action calls the JSON API.
// React owns the pending flag, the outcome (the action's typed result) and the
// reset of the fields once the action has run.

/**
 * The state of a form's action: the outcome line, and the values its fields
 * get back when React resets the form after the action (their `defaultValue`).
 * A failed attempt returns what was typed so nothing is lost; a successful one
 * returns what the fields should now show. Passwords are never carried here (they
 * would end up in the DOM as attributes): a password field is empty after any attempt.
 */
export interface FormState<Values> {
  message: FlashMessage;
  values: Values;
}

/** A text field of a submitted form ("" when it is missing). */
export function textField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export function failed<Values>(text: string, values: Values): FormState<Values> {
  return { message: { kind: "error", text }, values };
}
