import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { STATUSES } from '../../api/enums';
import type { Space, SpaceStatus } from '../../api/types';
import { Async } from '../../components/Async';
import { ErrorMessage } from '../../components/Messages';
import { StatusBadge } from '../../components/Status';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { formatArea, formatDate, t } from '../../i18n';
import { navigate, paths } from '../../router';
import { isStaff, useSession } from '../../session';
import { Pager } from '../../components/Pager';

const PAGE = 50;

export function AdminPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const workspace = useWorkspace(ws);
  const me = useSession();
  useDocumentTitle(t('admin.title'));
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);

  const spaces = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/spaces', {
    path: { workspace: ws },
    query: { limit: PAGE, offset, sort: '-updated_at', q: q || undefined, status: status ? [status as SpaceStatus] : undefined },
  }), [ws, q, status, offset]);

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
    navigate(`${location.pathname}?${next}`);
  };

  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  return (
    <section>
      <h1>{t('admin.title')}{workspace.data ? ` · ${workspace.data.name}` : ''}</h1>
      <p class="actions">
        <a class="button" href={paths.newSpace(ws)}>{t('admin.new')}</a>
        <a class="button secondary" href={paths.import(ws)}>{t('admin.import')}</a>
        <a class="button secondary" href={paths.discovery(ws)}>{t('admin.discovery')}</a>
        <a class="button secondary" href={paths.moderation(ws)}>{t('admin.reports')}</a>
        <a class="button secondary" href={paths.callsAdmin(ws)}>{t('admin.calls')}</a>
        {isStaff(me, ws, true) && <a class="button secondary" href={paths.audit(ws)}>{t('admin.audit')}</a>}
      </p>
      <form class="inline-form" role="search" aria-label={t('admin.search')} onSubmit={(e) => { e.preventDefault(); go({ q: text, offset: '' }); }}>
        <label for="a-q">{t('filters.text')}</label>
        <input id="a-q" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        <label for="a-status">{t('filters.status')}</label>
        <select id="a-status" value={status} onChange={(e) => go({ status: (e.target as HTMLSelectElement).value, offset: '' })}>
          <option value="">{t('filters.any')}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
        </select>
        <button type="submit">{t('admin.search')}</button>
      </form>
      <Async state={spaces}>
        {(page) => (
          <>
            <p role="status">{t('map.count', { count: page.total ?? 0 })}</p>
            <Table<Space> caption={t('admin.title')} class="admin-table" rows={page.items} rowKey={(s) => s.id} columns={[
              { header: t('field.name'), cell: (s) => <a href={paths.space(ws, s.id)}>{s.name}</a> },
              { header: t('field.status'), cell: (s) => <StatusBadge status={s.status} /> },
              { header: t('field.kind'), cell: (s) => t(`kind.${s.kind}`) },
              { header: t('field.area_m2'), cell: (s) => formatArea(s.area_m2) },
              { header: t('admin.updated'), cell: (s) => formatDate(s.updated_at, true) },
              { header: t('admin.actions'), hiddenHeader: true,
                cell: (s) => <a href={paths.edit(ws, s.id)} aria-label={t('admin.edit_named', { name: s.name })}>{t('admin.edit')}</a> },
            ]} />
            <Pager offset={offset} size={PAGE} total={page.total ?? 0} onPage={(o) => go({ offset: o ? String(o) : '' })} />
          </>
        )}
      </Async>
    </section>
  );
}
