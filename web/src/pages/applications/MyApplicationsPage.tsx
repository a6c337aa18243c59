// "My applications": every application of the signed-in account, in every workspace.

import { api } from '../../api/client';
import type { Application } from '../../api/types';
import { Async } from '../../components/Async';
import { SignInPrompt } from '../../components/StaffOnly';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, t } from '../../i18n';
import { paths } from '../../router';
import { useSession } from '../../session';
import { CallStateBadge } from '../calls/parts';

export function MyApplicationsPage() {
  const session = useSession();
  const apps = useLoad(() => (session ? api('get', '/api/v1/me/applications').then((r) => r.items) : Promise.resolve([])), [session?.id ?? null]);
  useDocumentTitle(t('applications.mine'));
  if (session === null) return <SignInPrompt />;
  return (
    <section>
      <h1>{t('applications.mine')}</h1>
      <Async state={apps} empty={t('applications.none')}>
        {(list) => (
          <Table<Application> caption={t('applications.mine')} rows={list} rowKey={(a) => `${a.workspace}-${a.id}`} columns={[
            { header: t('application.title_field'), cell: (a) => <a href={paths.application(a.workspace ?? '', a.id)}>{a.title}</a> },
            { header: t('application.call'), cell: (a) => (a.call?.id
              ? <><a href={paths.call(a.workspace ?? '', a.call.id)}>{a.call.title}</a> {a.call.state && <CallStateBadge state={a.call.state} />}</>
              : '–') },
            { header: t('application.status'), cell: (a) => t(`application_status.${a.status}`) },
            { header: t('application.eligibility'), cell: (a) => t(`eligibility_status.${a.eligibility.status}`) },
            { header: t('decision.title'), cell: (a) => (a.decision && a.decision.outcome !== 'none' ? t(`outcome.${a.decision.outcome}`) : '–') },
            { header: t('application.updated'), cell: (a) => formatDate(a.updated_at, true) },
          ]} />
        )}
      </Async>
    </section>
  );
}


