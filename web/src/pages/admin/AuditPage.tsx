// The workspace's audit log for its administrators: who changed what and when, with the
// changed fields before and after; filters by kind of record, author and period; CSV export.

import { useEffect, useState } from 'preact/hooks';
import { api, href } from '../../api/client';
import { AUDIT_ENTITIES } from '../../api/enums';
import type { AuditEntry } from '../../api/types';
import { Async } from '../../components/Async';
import { Pager } from '../../components/Pager';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, t } from '../../i18n';
import { navigate, paths } from '../../router';

const PAGE = 50;
const FILTERS = ['entity', 'user', 'from', 'to'] as const;

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

export function AuditPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  useDocumentTitle(t('audit.title'));
  const filters = new URLSearchParams();
  for (const k of FILTERS) {
    const v = query.get(k);
    if (v) filters.set(k, v);
  }
  const filterQuery = Object.fromEntries(filters) as { [k in (typeof FILTERS)[number]]?: string };
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [form, setForm] = useState({ entity: query.get('entity') ?? '', user: query.get('user') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' });
  useEffect(() => setForm({ entity: query.get('entity') ?? '', user: query.get('user') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' }), [query.toString()]);
  const page = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/audit', {
    path: { workspace: ws }, query: { ...filterQuery, limit: PAGE, offset },
  }), [ws, query.toString()]);

  const apply = (e: Event) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v) next.set(k, v);
    navigate(`${paths.audit(ws)}${next.toString() ? `?${next}` : ''}`);
  };
  const go = (o: number) => {
    const next = new URLSearchParams(filters);
    if (o) next.set('offset', String(o));
    navigate(`${paths.audit(ws)}?${next}`);
  };
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('audit.title')}</h1>
      <p class="narrow">{t('audit.intro')}</p>
      <form class="inline-form" onSubmit={apply} aria-label={t('audit.filters')}>
        <label for="au-entity">{t('audit.entity')}</label>
        <select id="au-entity" value={form.entity} onChange={(e) => setForm({ ...form, entity: (e.target as HTMLSelectElement).value })}>
          <option value="">{t('filters.any')}</option>
          {AUDIT_ENTITIES.map((en) => <option key={en} value={en}>{t(`entity.${en}`)}</option>)}
        </select>
        <label for="au-user">{t('audit.user')}</label>
        <input id="au-user" type="email" value={form.user} onInput={(e) => setForm({ ...form, user: (e.target as HTMLInputElement).value })} />
        <label for="au-from">{t('audit.from')}</label>
        <input id="au-from" type="date" value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        <label for="au-to">{t('audit.to')}</label>
        <input id="au-to" type="date" value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        <button type="submit">{t('audit.apply')}</button>
      </form>
      <p><a href={href('/api/v1/workspaces/{workspace}/audit.csv', { path: { workspace: ws }, query: filterQuery })} download>{t('audit.csv')}</a></p>
      <Async state={page}>
        {(p) => (
          <>
            <p role="status">{t('audit.count', { count: p.total })}</p>
            <Table<AuditEntry> caption={t('audit.title')} class="audit-table" rows={p.items} rowKey={(e) => e.id} columns={[
              { header: t('audit.when'), cell: (e) => formatDate(e.at, true) },
              { header: t('audit.who'), cell: (e) => <>{e.actor}{e.address ? <span class="muted"> ({e.address})</span> : null}</> },
              { header: t('audit.what'), cell: (e) => <What ws={ws} entry={e} /> },
              { header: t('audit.changes'), cell: (e) => <Changes entry={e} /> },
            ]} />
            <Pager offset={offset} size={PAGE} total={p.total} onPage={go} />
          </>
        )}
      </Async>
    </section>
  );
}

function What({ ws, entry }: { ws: string; entry: AuditEntry }) {
  return (
    <>
      {t(`audit.action.${entry.action}`)} · {entry.entity === 'space'
        ? <a href={paths.space(ws, entry.entity_id)}>{t('entity.space')} {entry.entity_id}</a>
        : `${t(`entity.${entry.entity}`)} ${entry.entity_id}`}
    </>
  );
}

function Changes({ entry }: { entry: AuditEntry }) {
  if (entry.before === null) return <span>{t('audit.created')}</span>;
  const keys = Object.keys({ ...(entry.before ?? {}), ...(entry.after ?? {}) }).filter((k) => k !== 'updated_at' && k !== 'version');
  return (
    <ul class="changes">
      {keys.slice(0, 12).map((k) => (
        <li key={k}><code>{k}</code>: {show(entry.before?.[k])} → {show(entry.after?.[k])}</li>
      ))}
    </ul>
  );
}
