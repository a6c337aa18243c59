// The officers' queue of citizens' reports: accept one as a new space, merge it into a space
// nearby, or reject it with a reason.

import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { Report } from '../../api/types';
import { Async } from '../../components/Async';
import { ErrorMessage } from '../../components/Messages';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';

export function ModerationPage({ ws }: { ws: string }) {
  useDocumentTitle(t('moderation.title'));
  const queue = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/reports', { path: { workspace: ws }, query: { status: 'pending' } }), [ws]);
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('moderation.title')}</h1>
      <Async state={queue}>
        {(q) => (
          <>
            <p role="status">{t('moderation.count', { count: q.total })}</p>
            <ul class="candidates">
              {q.items.map((r) => <Pending key={r.id} ws={ws} report={r} onDone={() => queue.reload()} />)}
            </ul>
          </>
        )}
      </Async>
    </section>
  );
}

function Pending({ ws, report, onDone }: { ws: string; report: Report; onDone: () => void }) {
  const where = { workspace: ws, id: report.id };
  const detail = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/reports/{id}', { path: where }), [report.id]);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const act = (f: () => Promise<unknown>) => action.run(async () => {
    await f();
    onDone();
  });
  const heading = `rep-${report.id}`;
  return (
    <li class="candidate" aria-labelledby={heading} data-testid="report">
      <h2 id={heading}>{t(`kind.${report.kind}`)} · {formatDate(report.created_at, true)}</h2>
      <p>{report.description || '–'}</p>
      <p>{t(`vacant_for.${report.vacant_for}`)} · {report.lon.toFixed(5)}, {report.lat.toFixed(5)}</p>
      {(report.contact_name || report.contact_email) && <p>{t('report.contact')}: {report.contact_name} {report.contact_email}</p>}
      <div class="photos">
        {report.photos.map((p) => (
          <a key={p.id} href={new URL(p.href).pathname}><img src={new URL(p.thumbnail_href).pathname + new URL(p.thumbnail_href).search} alt={t('moderation.photo', { n: p.id })} /></a>
        ))}
      </div>
      {detail.data && detail.data.nearby_spaces && detail.data.nearby_spaces.length > 0 && (
        <div>
          <h3>{t('moderation.nearby')}</h3>
          <ul>
            {detail.data.nearby_spaces.map((s) => (
              <li key={s.id}>
                <a href={paths.space(ws, s.id)}>{s.name}</a> ({formatNumber(s.distance_m)} m){' '}
                <button type="button" class="secondary" onClick={() => act(() => api('post', '/api/v1/workspaces/{workspace}/reports/{id}/merge', { path: where, body: reason ? { space_id: s.id, reason } : { space_id: s.id } }))}
                  aria-label={t('moderation.merge_named', { name: s.name })}>{t('moderation.merge')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form class="inline-form" onSubmit={(e) => { e.preventDefault(); act(() => api('post', '/api/v1/workspaces/{workspace}/reports/{id}/accept', { path: where, body: { name } })); }}>
        <label for={`acc-${report.id}`}>{t('moderation.space_name')}</label>
        <input id={`acc-${report.id}`} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('moderation.accept')}</button>
      </form>
      <form class="inline-form" onSubmit={(e) => { e.preventDefault(); act(() => api('post', '/api/v1/workspaces/{workspace}/reports/{id}/reject', { path: where, body: { reason } })); }}>
        <label for={`rej-${report.id}`}>{t('moderation.reason')}</label>
        <input id={`rej-${report.id}`} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        <button type="submit" class="secondary">{t('moderation.reject')}</button>
      </form>
      {action.error && <ErrorMessage error={action.error} fields />}
    </li>
  );
}
