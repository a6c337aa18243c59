// One's own account: profile and roles, changing the password, personal API tokens (for scripts and GIS
// tools), a download of one's data, signing out everywhere, and erasure.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, type ApiToken, type EndedAccess } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { SignInPrompt } from '../components/StaffOnly';
import { useDocumentTitle, useLoad } from '../hooks';
import { formatDate, t } from '../i18n';
import { navigate, paths } from '../router';
import { setSession, useSession } from '../session';

// The server's shortest password (auth::AuthSettings::min_password_length), in characters.
const MIN_PASSWORD_LENGTH = 10;

export function MyAccountPage() {
  useDocumentTitle(t('me.title'));
  const me = useSession();
  // A new password, or signing out everywhere, ends every session, this one included (and
  // API tokens): the page then says what ended.
  const [ended, setEnded] = useState<{ by: 'password' | 'everywhere'; access: EndedAccess } | null>(null);
  if (ended) return <AccessEnded by={ended.by} access={ended.access} />;
  if (me === undefined) return <Loading />;
  if (me === null) return <SignInPrompt next="/account" />;
  return (
    <section class="narrow">
      <h1>{t('me.title')}</h1>
      <dl class="details">
        <div><dt>{t('account.email')}</dt><dd>{me.email} {me.email_verified ? '' : `(${t('me.unverified')})`}</dd></div>
        {me.display_name && <div><dt>{t('me.name')}</dt><dd>{me.display_name}</dd></div>}
        <div><dt>{t('me.roles')}</dt><dd>{me.instance_admin ? t('me.instance_admin') : me.roles.length === 0 ? t('me.no_roles') : me.roles.map((r) => `${r.workspace}: ${t(`role.${r.role}`)}`).join(', ')}</dd></div>
      </dl>
      <ChangePassword onChanged={(access) => {
        setEnded({ by: 'password', access });
        setSession(null);
      }} />
      <Tokens />
      <section aria-labelledby="data-heading">
        <h2 id="data-heading">{t('me.data')}</h2>
        <p>{t('me.data_intro')}</p>
        <p class="actions">
          <a class="button secondary" href="/api/v1/me/export" download>{t('me.download')}</a>
          <button type="button" class="secondary" onClick={async () => {
            const access = await api.logoutEverywhere();
            setEnded({ by: 'everywhere', access });
            setSession(null);
          }}>{t('me.sign_out_everywhere')}</button>
        </p>
      </section>
      <Erase />
    </section>
  );
}

function AccessEnded({ by, access }: { by: 'password' | 'everywhere'; access: EndedAccess }) {
  const message = useRef<HTMLDivElement>(null);
  useEffect(() => message.current?.focus(), []);
  return (
    <section class="narrow">
      <h1>{t('me.title')}</h1>
      <div role="status" tabIndex={-1} ref={message}>
        <p>{t(by === 'password' ? 'me.password_changed' : 'me.signed_out_everywhere')}</p>
        {access.tokens_revoked > 0 && <p>{t('me.tokens_revoked')}</p>}
      </div>
      <p><a class="button" href={paths.login('/account')}>{t('account.sign_in')}</a></p>
    </section>
  );
}

function PasswordField(props: { id: string; label: string; autocomplete: string; value: string; error?: string; onInput: (v: string) => void }) {
  const errorId = `${props.id}-error`;
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input id={props.id} type="password" autocomplete={props.autocomplete} value={props.value} required
        aria-invalid={props.error ? true : undefined} aria-describedby={props.error ? errorId : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
      {props.error && <p id={errorId} class="field-error">{props.error}</p>}
    </div>
  );
}

// Current password, new one twice. Length and confirmation are checked here first; what the
// server refuses (a wrong current password, a weak new one) is shown beside its field.
function ChangePassword({ onChanged }: { onChanged: (access: EndedAccess) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [fields, setFields] = useState(new Map<string, string>());
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  const showErrors = (errors: Map<string, string>) => {
    setFields(errors);
    // The first field in error takes the focus, its message read with it.
    setTimeout(() => form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus());
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const errors = new Map<string, string>();
    if (!current) errors.set('/current_password', t('me.password_needed'));
    if ([...next].length < MIN_PASSWORD_LENGTH) errors.set('/password', t('me.password_too_short', { min: MIN_PASSWORD_LENGTH }));
    else if (repeat !== next) errors.set('/repeat', t('me.password_mismatch'));
    showErrors(errors);
    if (errors.size > 0) return;
    setBusy(true);
    try {
      onChanged(await api.changePassword(current, next, revokeTokens));
    } catch (err) {
      setError(err as ApiError);
      showErrors((err as ApiError).fields);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">{t('me.password')}</h2>
      <p>{t('me.password_intro')}</p>
      <form ref={form} onSubmit={submit} noValidate>
        <PasswordField id="pw-current" label={t('me.current_password')} autocomplete="current-password" value={current} onInput={setCurrent} error={fields.get('/current_password')} />
        <PasswordField id="pw-new" label={t('me.new_password', { min: MIN_PASSWORD_LENGTH })} autocomplete="new-password" value={next} onInput={setNext} error={fields.get('/password')} />
        <PasswordField id="pw-repeat" label={t('me.repeat_password')} autocomplete="new-password" value={repeat} onInput={setRepeat} error={fields.get('/repeat')} />
        <p class="field"><label><input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens((e.target as HTMLInputElement).checked)} /> {t('me.revoke_tokens_too')}</label></p>
        <button type="submit" disabled={busy}>{t('me.change_password')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

function Tokens() {
  const tokens = useLoad(() => api.tokens(), []);
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const created = await api.createToken(name, write ? ['read', 'write'] : ['read']);
      setSecret(created.secret);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const revoke = async (tk: ApiToken) => {
    await api.revokeToken(tk.id);
    tokens.reload();
  };
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('me.tokens')}</h2>
      <p>{t('me.tokens_intro')}</p>
      {tokens.data && tokens.data.length > 0 && (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{t('me.tokens')}</caption>
            <thead><tr><th scope="col">{t('me.token_name')}</th><th scope="col">{t('me.scopes')}</th><th scope="col">{t('me.last_used')}</th><th scope="col"><span class="visually-hidden">{t('admin.actions')}</span></th></tr></thead>
            <tbody>
              {tokens.data.map((tk) => (
                <tr key={tk.id}>
                  <td>{tk.name}</td>
                  <td>{tk.scopes.join(', ')}</td>
                  <td>{tk.last_used_at ? formatDate(tk.last_used_at, true) : '–'}</td>
                  <td>{tk.revoked_at ? t('me.revoked') : (
                    <button type="button" class="secondary" aria-label={t('me.revoke_named', { name: tk.name })} onClick={() => revoke(tk)}>{t('me.revoke')}</button>
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="inline-form" onSubmit={create} noValidate>
        <label for="tk-name">{t('me.token_name')}</label>
        <input id="tk-name" value={name} aria-invalid={error?.fields.has('/name') || undefined} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label><input type="checkbox" checked={write} onChange={() => setWrite(!write)} /> {t('me.may_write')}</label>
        <button type="submit">{t('me.create_token')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
      {secret && (
        <div class="report" role="status">
          <p>{t('me.secret_once')}</p>
          <p><code data-testid="token-secret">{secret}</code></p>
        </div>
      )}
    </section>
  );
}

function Erase() {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const erase = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api.eraseMe(password);
      setSession(null);
      navigate('/?erased=1');
    } catch (err) {
      setError(err as ApiError);
    }
  };
  return (
    <section aria-labelledby="erase-heading">
      <h2 id="erase-heading">{t('me.erase')}</h2>
      <p>{t('me.erase_intro')}</p>
      <form onSubmit={erase} noValidate>
        <div class="field">
          <label for="er-password">{t('me.confirm_password')}</label>
          <input id="er-password" type="password" autocomplete="current-password" value={password}
            aria-invalid={error?.fields.has('/password') || undefined} aria-describedby={error?.fields.has('/password') ? 'er-error' : undefined}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
          {error?.fields.has('/password') && <p id="er-error" class="field-error">{error.fields.get('/password')}</p>}
        </div>
        <button type="submit" class="danger">{t('me.erase_button')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
    </section>
  );
}
