// The one idiom for a form control and its error, whether the API named the field (by its JSON
// Pointer in ApiError.fields) or the form checked it first: the message sits in
// #<control id>-error, and the control says aria-invalid and is described by its hint and its
// message.

import { cloneElement, type ComponentChildren, type VNode } from 'preact';

// The attributes of control `id` with `error` (and the id of its hint, if any).
export function invalidProps(id: string, error?: string | null, hintId?: string) {
  const described = [hintId, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? (true as const) : undefined, 'aria-describedby': described || undefined };
}

// The message of control `id`, where the layout is not a <Field> (a table cell, an inline form).
export function FieldError({ id, error }: { id: string; error?: string | null }) {
  return error ? <p id={`${id}-error`} class="field-error">{error}</p> : null;
}

// A labelled control with its hint and its error. The child is the control (an element, or a
// component that passes its props on to one): it gets the id and the attributes.
export function Field({ id, label, error, hint, children }: {
  id: string; label: ComponentChildren; error?: string | null; hint?: string; children: VNode;
}) {
  const hintId = hint ? `${id}-help` : undefined;
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint && <p id={hintId} class="hint">{hint}</p>}
      {cloneElement(children, { id, ...invalidProps(id, error, hintId) })}
      <FieldError id={id} error={error} />
    </div>
  );
}
