// One's own account: profile and roles, changing the password, personal API tokens (for scripts and GIS
// tools), a download of one's data, signing out everywhere, and erasure.

import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { ApiToken, EndedAccess } from '../../api/types';
import { Field, FieldError, invalidProps } from '../../components/Field';
import { ErrorMessage, Loading } from '../../components/Messages';
import { SignInPrompt } from '../../components/StaffOnly';
import { Table } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, t } from '../../i18n';
import { navigate, paths } from '../../router';
import { setSession, useSession } from '../../session';

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
            const access = await api('post', '/api/v1/auth/logout-everywhere');
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

// A password input of the form (<Field> gives it its id and state).
function PasswordInput({ onInput, ...rest }: Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'onInput'> & { onInput: (v: string) => void }) {
  return <input type="password" required {...rest} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />;
}

// Current password, new one twice. Length and confirmation are checked here first; what the
// server refuses (a wrong current password, a weak new one) is shown beside its field.
function ChangePassword({ onChanged }: { onChanged: (access: EndedAccess) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [checked, setChecked] = useState(new Map<string, string>());
  const action = useAction();
  const form = useRef<HTMLFormElement>(null);
  // The first field in error takes the focus, its message read with it.
  const focusError = () => setTimeout(() => form.current?.querySelector<HTMLInputElement>('[aria-invalid="true"]')?.focus());
  const submit = async (e: Event) => {
    e.preventDefault();
    const errors = new Map<string, string>();
    if (!current) errors.set('/current_password', t('me.password_needed'));
    if ([...next].length < MIN_PASSWORD_LENGTH) errors.set('/password', t('me.password_too_short', { min: MIN_PASSWORD_LENGTH }));
    else if (repeat !== next) errors.set('/repeat', t('me.password_mismatch'));
    setChecked(errors);
    if (errors.size > 0) {
      focusError();
      return;
    }
    const ok = await action.run(async () => {
      onChanged(await api('post', '/api/v1/me/password', { body: { current_password: current, password: next, revoke_tokens: revokeTokens } }));
    });
    if (!ok) focusError();
  };
  // What this form checked, else what the server said.
  const fields = checked.size > 0 ? checked : action.fields;
  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">{t('me.password')}</h2>
      <p>{t('me.password_intro')}</p>
      <form ref={form} onSubmit={submit} noValidate>
        <Field id="pw-current" label={t('me.current_password')} error={fields.get('/current_password')}>
          <PasswordInput autocomplete="current-password" value={current} onInput={setCurrent} />
        </Field>
        <Field id="pw-new" label={t('me.new_password', { min: MIN_PASSWORD_LENGTH })} error={fields.get('/password')}>
          <PasswordInput autocomplete="new-password" value={next} onInput={setNext} />
        </Field>
        <Field id="pw-repeat" label={t('me.repeat_password')} error={fields.get('/repeat')}>
          <PasswordInput autocomplete="new-password" value={repeat} onInput={setRepeat} />
        </Field>
        <p class="field"><label><input type="checkbox" checked={revokeTokens} onChange={(e) => setRevokeTokens((e.target as HTMLInputElement).checked)} /> {t('me.revoke_tokens_too')}</label></p>
        <button type="submit" disabled={action.busy}>{t('me.change_password')}</button>
      </form>
      {action.error && checked.size === 0 && <ErrorMessage error={action.error} />}
    </section>
  );
}

function Tokens() {
  const tokens = useLoad(() => api('get', '/api/v1/me/tokens').then((r) => r.items), []);
  const [name, setName] = useState('');
  const [write, setWrite] = useState(false);
  const [secret, setSecret] = useState('');
  const action = useAction();
  const create = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const created = await api('post', '/api/v1/me/tokens', { body: { name, scopes: write ? ['read', 'write'] : ['read'] } });
      setSecret(created.secret);
      setName('');
      tokens.reload();
    });
  };
  const revoke = (tk: ApiToken) => action.run(async () => {
    await api('delete', '/api/v1/me/tokens/{id}', { path: { id: tk.id } });
    tokens.reload();
  });
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">{t('me.tokens')}</h2>
      <p>{t('me.tokens_intro')}</p>
      {tokens.data && tokens.data.length > 0 && (
        <Table<ApiToken> caption={t('me.tokens')} rows={tokens.data} rowKey={(tk) => tk.id} columns={[
          { header: t('me.token_name'), cell: (tk) => tk.name },
          { header: t('me.scopes'), cell: (tk) => tk.scopes.join(', ') },
          { header: t('me.last_used'), cell: (tk) => (tk.last_used_at ? formatDate(tk.last_used_at, true) : '–') },
          { header: t('admin.actions'), hiddenHeader: true, cell: (tk) => (tk.revoked_at ? t('me.revoked') : (
            <button type="button" class="secondary" aria-label={t('me.revoke_named', { name: tk.name })} onClick={() => revoke(tk)}>{t('me.revoke')}</button>
          )) },
        ]} />
      )}
      <form class="inline-form" onSubmit={create} noValidate>
        <label for="tk-name">{t('me.token_name')}</label>
        <input id="tk-name" value={name} {...invalidProps('tk-name', action.fields.get('/name'))} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <label><input type="checkbox" checked={write} onChange={() => setWrite(!write)} /> {t('me.may_write')}</label>
        <button type="submit">{t('me.create_token')}</button>
        <FieldError id="tk-name" error={action.fields.get('/name')} />
      </form>
      {action.error && <ErrorMessage error={action.error} />}
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
  const action = useAction();
  const erase = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      await api('post', '/api/v1/me/erase', { body: { password } });
      setSession(null);
      navigate('/?erased=1');
    });
  };
  return (
    <section aria-labelledby="erase-heading">
      <h2 id="erase-heading">{t('me.erase')}</h2>
      <p>{t('me.erase_intro')}</p>
      <form onSubmit={erase} noValidate>
        <Field id="er-password" label={t('me.confirm_password')} error={action.fields.get('/password')}>
          <input type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit" class="danger">{t('me.erase_button')}</button>
      </form>
      {action.error && <ErrorMessage error={action.error} />}
    </section>
  );
}
