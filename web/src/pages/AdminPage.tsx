import { useEffect, useState } from 'preact/hooks';
import { api, STATUSES } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { StatusBadge } from '../components/Status';
import { useDocumentTitle, useLoad, useWorkspace } from '../hooks';
import { formatArea, formatDate, t } from '../i18n';
import { navigate, paths } from '../router';
import { isStaff, useSession } from '../session';

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

  const spaces = useLoad(() => {
    const p = new URLSearchParams({ limit: String(PAGE), offset: String(offset), sort: '-updated_at' });
    if (q) p.set('q', q);
    if (status) p.set('status', status);
    return api.spaces(ws, p);
  }, [ws, q, status, offset]);

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) (v ? next.set(k, v) : next.delete(k));
    navigate(`${location.pathname}?${next}`);
  };

  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  const total = spaces.data?.total ?? 0;
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
      {spaces.error && <ErrorMessage error={spaces.error} />}
      {spaces.loading && !spaces.data && <Loading />}
      {spaces.data && (
        <>
          <p role="status">{t('map.count', { count: total })}</p>
          <div class="table-scroll">
            <table class="admin-table">
              <caption class="visually-hidden">{t('admin.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('field.name')}</th>
                  <th scope="col">{t('field.status')}</th>
                  <th scope="col">{t('field.kind')}</th>
                  <th scope="col">{t('field.area_m2')}</th>
                  <th scope="col">{t('admin.updated')}</th>
                  <th scope="col"><span class="visually-hidden">{t('admin.actions')}</span></th>
                </tr>
              </thead>
              <tbody>
                {spaces.data.items.map((s) => (
                  <tr key={s.id}>
                    <td><a href={paths.space(ws, s.id)}>{s.name}</a></td>
                    <td><StatusBadge status={s.status} /></td>
                    <td>{t(`kind.${s.kind}`)}</td>
                    <td>{formatArea(s.area_m2)}</td>
                    <td>{formatDate(s.updated_at, true)}</td>
                    <td><a href={paths.edit(ws, s.id)} aria-label={t('admin.edit_named', { name: s.name })}>{t('admin.edit')}</a></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label={t('admin.pages')}>
            {offset > 0 && <button type="button" onClick={() => go({ offset: String(Math.max(0, offset - PAGE)) })}>{t('admin.previous')}</button>}
            {offset + PAGE < total && <button type="button" onClick={() => go({ offset: String(offset + PAGE) })}>{t('admin.next')}</button>}
          </nav>
        </>
      )}
    </section>
  );
}
