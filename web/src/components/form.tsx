// Small form pieces shared by the pages: a labelled field (label bound to its input by id, an
// optional hint bound through aria-describedby) and a notice announced politely to screen readers.
import type { ComponentChildren } from 'preact';

export function Field(props: { id: string; label: string; hint?: string | undefined; children: ComponentChildren }) {
  return (
    <div class="field">
      <label class="field__label" for={props.id}>
        {props.label}
      </label>
      {props.children}
      {props.hint && (
        <p class="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

// A success or information message; role="status" is read out without moving focus.
export function Notice(props: { children: ComponentChildren; testid?: string }) {
  return (
    <p class="notice" role="status" data-testid={props.testid}>
      {props.children}
    </p>
  );
}

// A short error in the form's own words (wrong password, passwords differ).
export function FormError(props: { children: ComponentChildren }) {
  return (
    <p class="form-error" role="alert">
      {props.children}
    </p>
  );
}

// The text of an input event's target, for controlled inputs.
export function inputValue(event: Event): string {
  return (event.currentTarget as HTMLInputElement | HTMLSelectElement).value;
}
