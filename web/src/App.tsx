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
import { ForgotPage, LinkPage, LoginPage, RegisterPage, ResetPage } from './pages/AccountPages';
import { StaffOnly } from './components/StaffOnly';
import { AuditPage } from './pages/AuditPage';
import { MyAccountPage } from './pages/MyAccountPage';
import { FollowReportPage, ModerationPage, ReportFormPage } from './pages/ReportPages';
import { CallPage, CallsPage } from './pages/CallPages';
import { ApplicationFormPage, ApplicationPage, MyApplicationsPage } from './pages/ApplicationPages';
import { CallFormPage, CallManagePage, CallsAdminPage } from './pages/CallAdminPages';
import { CallMatchingPage } from './pages/CallMatchingPage';
import { EvaluationPage } from './pages/EvaluationPage';

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
    case 'admin': page = <StaffOnly ws={route.ws}><AdminPage ws={route.ws} query={query} /></StaffOnly>; break;
    case 'new': page = <StaffOnly ws={route.ws}><SpaceFormPage ws={route.ws} /></StaffOnly>; break;
    case 'edit': page = <StaffOnly ws={route.ws}><SpaceFormPage ws={route.ws} id={route.id} /></StaffOnly>; break;
    case 'import': page = <StaffOnly ws={route.ws}><ImportPage ws={route.ws} /></StaffOnly>; break;
    case 'discovery': page = <StaffOnly ws={route.ws}><DiscoveryPage ws={route.ws} /></StaffOnly>; break;
    case 'audit': page = <StaffOnly ws={route.ws} adminOnly><AuditPage ws={route.ws} query={query} /></StaffOnly>; break;
    case 'login': page = <LoginPage query={query} />; break;
    case 'account': page = <MyAccountPage />; break;
    case 'report': page = <ReportFormPage ws={route.ws} />; break;
    case 'follow': page = <FollowReportPage token={route.token} />; break;
    case 'moderation': page = <StaffOnly ws={route.ws}><ModerationPage ws={route.ws} /></StaffOnly>; break;
    case 'calls': page = <CallsPage ws={route.ws} />; break;
    case 'call': page = <CallPage ws={route.ws} id={route.id} />; break;
    case 'apply': page = <ApplicationFormPage ws={route.ws} callId={route.id} />; break;
    case 'evaluate': page = <EvaluationPage ws={route.ws} id={route.id} />; break;
    case 'application': page = <ApplicationPage ws={route.ws} id={route.id} />; break;
    case 'applicationEdit': page = <ApplicationFormPage ws={route.ws} id={route.id} />; break;
    case 'myApplications': page = <MyApplicationsPage />; break;
    case 'callsAdmin': page = <StaffOnly ws={route.ws}><CallsAdminPage ws={route.ws} /></StaffOnly>; break;
    case 'callNew': page = <StaffOnly ws={route.ws}><CallFormPage ws={route.ws} /></StaffOnly>; break;
    case 'callEdit': page = <StaffOnly ws={route.ws}><CallFormPage ws={route.ws} id={route.id} /></StaffOnly>; break;
    case 'callManage': page = <StaffOnly ws={route.ws}><CallManagePage ws={route.ws} id={route.id} /></StaffOnly>; break;
    case 'callMatching': page = <StaffOnly ws={route.ws}><CallMatchingPage ws={route.ws} id={route.id} /></StaffOnly>; break;
    case 'register': page = <RegisterPage />; break;
    case 'forgot': page = <ForgotPage />; break;
    case 'reset': page = <ResetPage query={query} />; break;
    case 'verify': page = <LinkPage kind="verify" query={query} />; break;
    case 'unlock': page = <LinkPage kind="unlock" query={query} />; break;
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
