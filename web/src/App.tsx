import { useEffect, useState } from 'preact/hooks';
import { Layout } from './components/Layout';
import { onLanguageChange, t } from './i18n';
import { useLocation } from './router';
import { HomePage } from './pages/HomePage';
import { MapPage } from './pages/MapPage';
import { SpacePage } from './pages/SpacePage';
import { AdminPage } from './pages/AdminPage';
import { SpaceFormPage } from './pages/SpaceFormPage';
import { ImportPage } from './pages/ImportPage';
import { DiscoveryPage } from './pages/DiscoveryPage';

export function App() {
  const { route, query } = useLocation();
  const [, setLang] = useState(0);
  useEffect(() => onLanguageChange(() => setLang((n) => n + 1)), []);

  const ws = 'ws' in route ? route.ws : undefined;
  let page;
  switch (route.page) {
    case 'home': page = <HomePage />; break;
    case 'map': page = <MapPage ws={route.ws} query={query} />; break;
    case 'space': page = <SpacePage ws={route.ws} id={route.id} />; break;
    case 'admin': page = <AdminPage ws={route.ws} query={query} />; break;
    case 'new': page = <SpaceFormPage ws={route.ws} />; break;
    case 'edit': page = <SpaceFormPage ws={route.ws} id={route.id} />; break;
    case 'import': page = <ImportPage ws={route.ws} />; break;
    case 'discovery': page = <DiscoveryPage ws={route.ws} />; break;
    default:
      page = (
        <section>
          <h1>{t('notfound.title')}</h1>
          <p>{t('notfound.text')}</p>
          <a href="/">{t('nav.home')}</a>
        </section>
      );
  }
  return <Layout ws={ws} route={route.page}>{page}</Layout>;
}
