// Signing in and the account's e-mailed links: sign in, create an account, ask for a password
// reset, and the pages the e-mails link to (confirm the address, choose a new password, unlock).

import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { ErrorMessage, Loading } from '../../components/Messages';
import { useAction, useDocumentTitle } from '../../hooks';
import { t } from '../../i18n';
import { navigate } from '../../router';
import { loadSession, setSession } from '../../session';

// A text input of these forms, its value kept by the page (<Field> gives it its id and state).
function TextInput({ onInput, ...rest }: Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> & { onInput: (v: string) => void }) {
  return <input type="text" {...rest} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />;
}

// A form's submission: runs `action`, keeps its problem (its field errors shown beside the
// fields, the rest in an alert) and whether it is done.
function useSubmit(task: () => Promise<unknown>) {
  const action = useAction();
  const [done, setDone] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await action.run(async () => { await task(); })) setDone(true);
  };
  return { submit, busy: action.busy, done, error: action.error, fields: action.fields };
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
  const { submit, busy, error, fields } = useSubmit(async () => {
    setSession(await api('post', '/api/v1/auth/login', { body: { email, password } }));
    navigate(safeNext(query));
  });
  return (
    <section class="narrow">
      <h1>{t('account.sign_in')}</h1>
      <form onSubmit={submit} noValidate>
        <Field id="l-email" label={t('account.email')} error={fields.get('/email')}><TextInput type="email" autocomplete="username" value={email} onInput={setEmail} /></Field>
        <Field id="l-password" label={t('account.password')} error={fields.get('/password')}><TextInput type="password" autocomplete="current-password" value={password} onInput={setPassword} /></Field>
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
  const { submit, done, error, fields } = useSubmit(() => api('post', '/api/v1/auth/register', { body: { email, password, display_name: name } }));
  return (
    <section class="narrow">
      <h1>{t('account.register')}</h1>
      {done ? (
        <p role="status">{t('account.check_mail')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="r-email" label={t('account.email')} error={fields.get('/email')}><TextInput type="email" autocomplete="email" value={email} onInput={setEmail} /></Field>
          <Field id="r-name" label={t('account.name')} error={fields.get('/display_name')}><TextInput autocomplete="name" value={name} onInput={setName} /></Field>
          <Field id="r-password" label={t('account.new_password')} error={fields.get('/password')}><TextInput type="password" autocomplete="new-password" value={password} onInput={setPassword} /></Field>
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
  const { submit, done, error, fields } = useSubmit(() => api('post', '/api/v1/auth/password-reset', { body: { email } }));
  return (
    <section class="narrow">
      <h1>{t('account.forgot')}</h1>
      {done ? (
        <p role="status">{t('account.reset_sent')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="f-email" label={t('account.email')} error={fields.get('/email')}><TextInput type="email" autocomplete="email" value={email} onInput={setEmail} /></Field>
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
  const { submit, done, error, fields } = useSubmit(async () => {
    const ended = await api('post', '/api/v1/auth/password-reset/confirm', { body: { token: query.get('token') ?? '', password } });
    setTokensRevoked(ended.tokens_revoked);
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
          <Field id="p-password" label={t('account.new_password')} error={fields.get('/password')}><TextInput type="password" autocomplete="new-password" value={password} onInput={setPassword} /></Field>
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
    const body = { body: { token } };
    (kind === 'verify' ? api('post', '/api/v1/auth/verify-email', body) : api('post', '/api/v1/auth/unlock', body)).then(
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
