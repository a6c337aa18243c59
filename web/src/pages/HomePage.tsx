import { api } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle, useLoad } from '../hooks';
import { t } from '../i18n';
import { paths } from '../router';

export function HomePage() {
  useDocumentTitle('');
  const { data, error, loading } = useLoad(() => api.workspaces(), []);
  return (
    <section class="narrow">
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <h2>{t('home.workspaces')}</h2>
      {loading && <Loading />}
      {error && <ErrorMessage error={error} />}
      {data && data.length === 0 && <p>{t('home.none')}</p>}
      {data && data.length > 0 && (
        <ul class="cards">
          {data.map((w) => (
            <li key={w.slug}>
              <a href={paths.map(w.slug)}>{w.name}</a>
              {w.country && <span class="muted"> · {w.country}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
