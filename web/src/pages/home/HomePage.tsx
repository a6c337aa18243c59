import { api } from '../../api/client';
import { Async } from '../../components/Async';
import { useDocumentTitle, useLoad } from '../../hooks';
import { t } from '../../i18n';
import { paths } from '../../router';

export function HomePage() {
  useDocumentTitle('');
  const workspaces = useLoad(() => api('get', '/api/v1/workspaces').then((r) => r.items), []);
  return (
    <section class="narrow">
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <h2>{t('home.workspaces')}</h2>
      <Async state={workspaces} empty={t('home.none')}>
        {(list) => (
          <ul class="cards">
            {list.map((w) => (
              <li key={w.slug}>
                <a href={paths.map(w.slug)}>{w.name}</a>
                {w.country && <span class="muted"> · {w.country}</span>}
              </li>
            ))}
          </ul>
        )}
      </Async>
    </section>
  );
}
