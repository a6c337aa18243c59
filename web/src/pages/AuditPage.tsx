// The workspace's audit log for its administrators: who changed what and when, with the
// changed fields before and after; filters by kind of record, author and period; CSV export.

import { useEffect, useState } from 'preact/hooks';
import { api, type AuditEntry } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle, useLoad } from '../hooks';
import { formatDate, t } from '../i18n';
import { navigate, paths } from '../router';

const PAGE = 50;
const ENTITIES = ['space', 'organisation', 'workspace', 'membership'];

function show(v: unknown): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v === '' ? '""' : v;
  return JSON.stringify(v);
}

export function AuditPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  useDocumentTitle(t('audit.title'));
  const filters = new URLSearchParams();
  for (const k of ['entity', 'user', 'from', 'to']) {
    const v = query.get(k);
    if (v) filters.set(k, v);
  }
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [form, setForm] = useState({ entity: query.get('entity') ?? '', user: query.get('user') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' });
  useEffect(() => setForm({ entity: query.get('entity') ?? '', user: query.get('user') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? '' }), [query.toString()]);
  const page = useLoad(() => {
    const p = new URLSearchParams(filters);
    p.set('limit', String(PAGE));
    p.set('offset', String(offset));
    return api.audit(ws, p);
  }, [ws, query.toString()]);

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
  const total = page.data?.total ?? 0;
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('audit.title')}</h1>
      <p class="narrow">{t('audit.intro')}</p>
      <form class="inline-form" onSubmit={apply} aria-label={t('audit.filters')}>
        <label for="au-entity">{t('audit.entity')}</label>
        <select id="au-entity" value={form.entity} onChange={(e) => setForm({ ...form, entity: (e.target as HTMLSelectElement).value })}>
          <option value="">{t('filters.any')}</option>
          {ENTITIES.map((en) => <option key={en} value={en}>{t(`entity.${en}`)}</option>)}
        </select>
        <label for="au-user">{t('audit.user')}</label>
        <input id="au-user" type="email" value={form.user} onInput={(e) => setForm({ ...form, user: (e.target as HTMLInputElement).value })} />
        <label for="au-from">{t('audit.from')}</label>
        <input id="au-from" type="date" value={form.from} onInput={(e) => setForm({ ...form, from: (e.target as HTMLInputElement).value })} />
        <label for="au-to">{t('audit.to')}</label>
        <input id="au-to" type="date" value={form.to} onInput={(e) => setForm({ ...form, to: (e.target as HTMLInputElement).value })} />
        <button type="submit">{t('audit.apply')}</button>
      </form>
      <p><a href={api.auditCsvUrl(ws, filters)} download>{t('audit.csv')}</a></p>
      {page.error && <ErrorMessage error={page.error} />}
      {page.loading && !page.data && <Loading />}
      {page.data && (
        <>
          <p role="status">{t('audit.count', { count: total })}</p>
          <div class="table-scroll">
            <table class="audit-table">
              <caption class="visually-hidden">{t('audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.when')}</th>
                  <th scope="col">{t('audit.who')}</th>
                  <th scope="col">{t('audit.what')}</th>
                  <th scope="col">{t('audit.changes')}</th>
                </tr>
              </thead>
              <tbody>
                {page.data.items.map((e) => <Row key={e.id} ws={ws} entry={e} />)}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label={t('admin.pages')}>
            {offset > 0 && <button type="button" onClick={() => go(Math.max(0, offset - PAGE))}>{t('admin.previous')}</button>}
            {offset + PAGE < total && <button type="button" onClick={() => go(offset + PAGE)}>{t('admin.next')}</button>}
          </nav>
        </>
      )}
    </section>
  );
}

function Row({ ws, entry }: { ws: string; entry: AuditEntry }) {
  const keys = Object.keys({ ...(entry.before ?? {}), ...(entry.after ?? {}) }).filter((k) => k !== 'updated_at' && k !== 'version');
  return (
    <tr>
      <td>{formatDate(entry.at, true)}</td>
      <td>{entry.actor}{entry.address ? <span class="muted"> ({entry.address})</span> : null}</td>
      <td>
        {t(`audit.action.${entry.action}`)} · {entry.entity === 'space'
          ? <a href={paths.space(ws, entry.entity_id)}>{t('entity.space')} {entry.entity_id}</a>
          : `${t(`entity.${entry.entity}`)} ${entry.entity_id}`}
      </td>
      <td>
        {entry.before === null ? (
          <span>{t('audit.created')}</span>
        ) : (
          <ul class="changes">
            {keys.slice(0, 12).map((k) => (
              <li key={k}><code>{k}</code>: {show(entry.before?.[k])} → {show(entry.after?.[k])}</li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
