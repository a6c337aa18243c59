// The officers' list of the workspace's calls for temporary use.

import { api } from '../../api/client';
import type { Call } from '../../api/types';
import { Async } from '../../components/Async';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { CallStateBadge, Instant } from './parts';

export function CallsAdminPage({ ws }: { ws: string }) {
  const calls = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls', { path: { workspace: ws } }).then((r) => r.items), [ws]);
  useDocumentTitle(t('calls_admin.title'));
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('calls_admin.title')}</h1>
      <p class="actions">
        <a class="button" href={paths.callNew(ws)}>{t('calls_admin.new')}</a>
        <a href={paths.calls(ws)}>{t('calls_admin.public_list')}</a>
      </p>
      <Async state={calls} empty={t('calls_admin.none')}>
        {(list) => (
          <Table<Call> caption={t('calls_admin.title')} class="admin-table" rows={list} rowKey={(c) => c.id} columns={[
            { header: t('call_form.title'), cell: (c) => <a href={paths.callManage(ws, c.id)}>{c.title}</a> },
            { header: t('call_manage.state'), cell: (c) => <CallStateBadge state={c.state} /> },
            { header: t('call.deadline'), cell: (c) => <Instant iso={c.closes_at} /> },
            { header: t('call.spaces'), cell: (c) => formatNumber(c.spaces.length) },
            { header: t('admin.updated'), cell: (c) => formatDate(c.updated_at, true) },
          ]} />
        )}
      </Async>
    </section>
  );
}

