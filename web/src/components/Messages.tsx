import type { ApiError } from '../api/client';
import { t } from '../i18n';

export function Loading() {
  return <p role="status">{t('common.loading')}</p>;
}

// How a form lists the field errors of a problem: each field's name, and the control to link
// to when the form shows it.
export interface FieldListing {
  label?: (pointer: string) => string;
  control?: (pointer: string) => string | undefined;
}

// A problem from the API in the reader's language. With `fields`, its field errors are listed
// too (for forms that do not show every field the server may name), linked to their controls.
export function ErrorMessage({ error, fields, id }: { error: ApiError; fields?: FieldListing | boolean; id?: string }) {
  const listing = fields ? (fields === true ? {} : fields) : null;
  const listed = listing && error.fields.size > 0 ? [...error.fields] : [];
  const asked = listed.length > 0 && !!listing?.label;
  // A form that names its fields asks for them to be corrected. Refusals for now (too many
  // requests, a server that cannot send mail or is busy) are said in the reader's language, the
  // server's own words following as the hint; other problems in the server's words.
  const text =
    asked ? t('form.fix_errors', { count: listed.length })
    : error.status === 0 ? t('error.network')
    : error.status === 404 ? t('error.notfound')
    : error.status === 429 ? t('error.too_many')
    : error.status === 503 ? t('error.unavailable')
    : error.message;
  const hint = error.status === 429 || error.status === 503 ? error.message : asked ? '' : error.hint;
  return (
    <div class="error-box" role="alert" id={id} tabIndex={id ? -1 : undefined}>
      <p>{text}</p>
      {listed.length > 0 && (
        <ul class="field-errors">
          {listed.map(([pointer, message]) => {
            const label = listing?.label ? listing.label(pointer) : pointer;
            const control = listing?.control?.(pointer);
            const line = <>{label ? <>{listing?.label ? label : <code>{label}</code>}: </> : null}{message}</>;
            return <li key={pointer}>{control ? <a href={`#${control}`}>{line}</a> : line}</li>;
          })}
        </ul>
      )}
      {hint && <p class="hint">{hint}</p>}
    </div>
  );
}

// The announced outcome of an action: a success message in a live region.
export function StatusMessage({ text }: { text: string }) {
  return <div aria-live="polite" role="status">{text && <p class="success">{text}</p>}</div>;
}

// The outcome of an action (hooks.ts useAction): its status announced, or its problem.
export function ActionMessages({ action, fields }: { action: { status: string; error: ApiError | null }; fields?: FieldListing | boolean }) {
  return (
    <>
      <StatusMessage text={action.status} />
      {action.error && <ErrorMessage error={action.error} fields={fields} />}
    </>
  );
}
