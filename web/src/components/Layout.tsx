import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import { LANGUAGES, language, setLanguage, t } from '../i18n';
import { api } from '../api/client';
import { navigate, paths } from '../router';
import { setSession, useSession } from '../session';

interface Props {
  ws?: string;
  route: string;
  children: ComponentChildren;
}

export function Layout({ ws, route, children }: Props) {
  // Moving to another page puts the focus on its heading, as a page load would for screen
  // readers and keyboard users.
  useEffect(() => {
    const h1 = document.querySelector('main h1') as HTMLElement | null;
    if (h1) {
      h1.tabIndex = -1;
      h1.focus({ preventScroll: true });
    }
  }, [route, ws]);

  const current = (page: string) => (route === page ? { 'aria-current': 'page' as const } : {});
  const me = useSession();
  const signOut = async () => {
    try {
      await api('post', '/api/v1/auth/logout');
    } finally {
      setSession(null);
      navigate('/');
    }
  };
  return (
    <>
      <a class="skip-link" href="#main">{t('nav.skip')}</a>
      <header class="site-header">
        <a class="brand" href="/">Impetus</a>
        <nav aria-label={t('nav.label')}>
          <ul>
            <li><a href="/" {...current('home')}>{t('nav.home')}</a></li>
            {ws && <li><a href={paths.map(ws)} {...current('map')}>{t('nav.map')}</a></li>}
            {ws && <li><a href={paths.calls(ws)} {...current('calls')}>{t('nav.calls')}</a></li>}
            {ws && <li><a href={paths.admin(ws)} {...current('admin')}>{t('nav.admin')}</a></li>}
          </ul>
        </nav>
        <div class="account">
          {me ? (
            <>
              <a class="account-name" href="/account" {...current('account')}>{me.display_name || me.email}</a>
              <a href={paths.myApplications()} {...current('myApplications')}>{t('applications.mine')}</a>
              <button type="button" class="link-button" onClick={signOut}>{t('account.sign_out')}</button>
            </>
          ) : (
            me === null && <a href={paths.login(route === 'login' ? undefined : location.pathname + location.search)}>{t('account.sign_in')}</a>
          )}
        </div>
        <label class="language">
          <span>{t('nav.language')}</span>
          <select value={language()} onChange={(e) => setLanguage((e.target as HTMLSelectElement).value)}>
            {LANGUAGES.map((l) => (
              <option key={l.code} value={l.code} lang={l.code}>{l.name}</option>
            ))}
          </select>
        </label>
      </header>
      <main id="main">{children}</main>
      <footer class="site-footer">
        <p>
          {t('footer.data')} <a href="/ogc">OGC API</a> · <a href="/api/v1/openapi.json">OpenAPI</a>
        </p>
      </footer>
    </>
  );
}
