// Signing in and the account's e-mailed links: sign in, create an account, ask for a password
// reset, and the pages the e-mails link to (confirm the address, choose a new password, unlock).

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle } from '../hooks';
import { t } from '../i18n';
import { navigate } from '../router';
import { loadSession, setSession } from '../session';

function Field(props: { id: string; label: string; type?: string; value: string; error?: string; autocomplete?: string; onInput: (v: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} type={props.type ?? 'text'} value={props.value} autocomplete={props.autocomplete}
        aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? `${props.id}-error` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
      {props.error && <p id={`${props.id}-error`} class="field-error">{props.error}</p>}
    </div>
  );
}

// A form's submission: runs `action`, keeps its error (shown beside the fields and in an
// alert) and whether it is done.
function useSubmit(action: () => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
      setDone(true);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return { submit, busy, done, error };
}

// Only paths of this site are followed after signing in.
function safeNext(query: URLSearchParams): string {
  const next = query.get('next') ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function LoginPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle(t('account.sign_in'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { submit, busy, error } = useSubmit(async () => {
    setSession(await api.login(email, password));
    navigate(safeNext(query));
  });
  return (
    <section class="narrow">
      <h1>{t('account.sign_in')}</h1>
      <form onSubmit={submit} noValidate>
        <Field id="l-email" label={t('account.email')} type="email" autocomplete="username" value={email} onInput={setEmail} error={error?.fields.get('/email')} />
        <Field id="l-password" label={t('account.password')} type="password" autocomplete="current-password" value={password} onInput={setPassword} error={error?.fields.get('/password')} />
        <button type="submit" disabled={busy}>{t('account.sign_in')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
      <p><a href="/account/forgot">{t('account.forgot')}</a> · <a href="/register">{t('account.register')}</a></p>
    </section>
  );
}

export function RegisterPage() {
  useDocumentTitle(t('account.register'));
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const { submit, done, error } = useSubmit(() => api.register(email, password, name));
  return (
    <section class="narrow">
      <h1>{t('account.register')}</h1>
      {done ? (
        <p role="status">{t('account.check_mail')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="r-email" label={t('account.email')} type="email" autocomplete="email" value={email} onInput={setEmail} error={error?.fields.get('/email')} />
          <Field id="r-name" label={t('account.name')} autocomplete="name" value={name} onInput={setName} error={error?.fields.get('/display_name')} />
          <Field id="r-password" label={t('account.new_password')} type="password" autocomplete="new-password" value={password} onInput={setPassword} error={error?.fields.get('/password')} />
          <button type="submit">{t('account.register')}</button>
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

export function ForgotPage() {
  useDocumentTitle(t('account.forgot'));
  const [email, setEmail] = useState('');
  const { submit, done, error } = useSubmit(() => api.requestReset(email));
  return (
    <section class="narrow">
      <h1>{t('account.forgot')}</h1>
      {done ? (
        <p role="status">{t('account.reset_sent')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="f-email" label={t('account.email')} type="email" autocomplete="email" value={email} onInput={setEmail} error={error?.fields.get('/email')} />
          <button type="submit">{t('account.send_link')}</button>
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

export function ResetPage({ query }: { query: URLSearchParams }) {
  useDocumentTitle(t('account.choose_password'));
  const [password, setPassword] = useState('');
  const [tokensRevoked, setTokensRevoked] = useState(0);
  const { submit, done, error } = useSubmit(async () => {
    setTokensRevoked((await api.confirmReset(query.get('token') ?? '', password)).tokens_revoked);
    await loadSession();
  });
  return (
    <section class="narrow">
      <h1>{t('account.choose_password')}</h1>
      {done ? (
        <div role="status">
          <p>{t('account.password_set')} <a href="/login">{t('account.sign_in')}</a></p>
          {tokensRevoked > 0 && <p>{t('me.tokens_revoked')}</p>}
        </div>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="p-password" label={t('account.new_password')} type="password" autocomplete="new-password" value={password} onInput={setPassword} error={error?.fields.get('/password')} />
          <button type="submit">{t('account.save_password')}</button>
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

// The confirmation and unlock links: the page posts the token once and says how it went.
export function LinkPage({ kind, query }: { kind: 'verify' | 'unlock'; query: URLSearchParams }) {
  useDocumentTitle(t(kind === 'verify' ? 'account.verify_title' : 'account.unlock_title'));
  const [state, setState] = useState<'busy' | 'done' | ApiError>('busy');
  useEffect(() => {
    const token = query.get('token') ?? '';
    (kind === 'verify' ? api.verifyEmail(token) : api.unlock(token)).then(
      () => setState('done'),
      (err) => setState(err as ApiError),
    );
  }, []);
  return (
    <section class="narrow">
      <h1>{t(kind === 'verify' ? 'account.verify_title' : 'account.unlock_title')}</h1>
      {state === 'busy' && <Loading />}
      {state === 'done' && (
        <p role="status">{t(kind === 'verify' ? 'account.verified' : 'account.unlocked')} <a href="/login">{t('account.sign_in')}</a></p>
      )}
      {state instanceof ApiError && <ErrorMessage error={state} />}
    </section>
  );
}
