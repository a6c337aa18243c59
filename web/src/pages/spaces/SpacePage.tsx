import { api, href } from '../../api/client';
import { UTILITIES } from '../../api/enums';
import type { Space, StatusChange } from '../../api/types';
import { Async } from '../../components/Async';
import { ErrorMessage, Loading } from '../../components/Messages';
import { SmallMap } from '../../components/SmallMap';
import { StatusBadge } from '../../components/Status';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { formatArea, formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';

function yesNo(v: boolean | null | undefined): string {
  return v == null ? t('common.unknown') : v ? t('common.yes') : t('common.no');
}

export function SpacePage({ ws, id }: { ws: string; id: number }) {
  const workspace = useWorkspace(ws);
  const space = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/spaces/{id}', { path: { workspace: ws, id } }), [ws, id]);
  const history = useLoad(
    () => api('get', '/api/v1/workspaces/{workspace}/spaces/{id}/history', { path: { workspace: ws, id } }).then((r) => r.items),
    [ws, id],
  );
  useDocumentTitle(space.data?.name ?? '');
  if (space.error) return <ErrorMessage error={space.error} />;
  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  if (!space.data || !workspace.data) return <Loading />;
  const s = space.data;
  const csv = href('/api/v1/workspaces/{workspace}/spaces.csv', { path: { workspace: ws }, query: { id: [s.id] } });
  const geojson = href('/ogc/collections/{collectionId}/items/{featureId}', { path: { collectionId: 'spaces', featureId: s.id } });
  return (
    <article class="space-page">
      <p class="breadcrumb"><a href={paths.map(ws)}>{workspace.data.name}</a></p>
      <h1>{s.name}</h1>
      <p class="meta">
        <StatusBadge status={s.status} /> <span>{t(`kind.${s.kind}`)}</span>
      </p>
      <div class="space-columns">
        <section aria-labelledby="details-heading">
          <h2 id="details-heading">{t('space.details')}</h2>
          <Details s={s} />
        </section>
        <section aria-labelledby="location-heading">
          <h2 id="location-heading">{t('space.location')}</h2>
          <SmallMap workspace={workspace.data} space={s} />
          <p>{s.address || t('common.unknown')}</p>
          <h3>{t('space.downloads')}</h3>
          <ul>
            <li><a href={geojson} type="application/geo+json" download={`space-${s.id}.geojson`}>GeoJSON</a></li>
            <li><a href={csv} type="text/csv" download={`space-${s.id}.csv`}>CSV</a></li>
          </ul>
        </section>
      </div>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('space.history')}</h2>
        <Async state={history}>
          {(items) => (
            <Table<StatusChange> caption={t('space.history')} class="history" rows={items} rowKey={(h) => h.id} columns={[
              { header: t('history.when'), cell: (h) => formatDate(h.at, true) },
              { header: t('history.from'), cell: (h) => (h.from ? t(`status.${h.from}`) : '–') },
              { header: t('history.to'), cell: (h) => t(`status.${h.to}`) },
              { header: t('history.why'), cell: (h) => h.reason },
            ]} />
          )}
        </Async>
      </section>
    </article>
  );
}

function Details({ s }: { s: Space }) {
  const rows: [string, string][] = [
    [t('field.area_m2'), formatArea(s.area_m2)],
    [t('field.floor_area_m2'), formatArea(s.floor_area_m2)],
    [t('field.floors'), s.floors == null ? '–' : formatNumber(s.floors)],
    [t('field.owner_type'), t(`owner.${s.owner_type}`)],
    [t('field.building_type'), s.building_type ? t(`building.${s.building_type}`) : '–'],
    [t('field.condition'), s.condition ? t(`condition.${s.condition}`) : '–'],
    [t('field.vacancy'), s.vacancy ? t(`vacancy.${s.vacancy}`) : '–'],
    [t('field.vacant_since'), formatDate(s.vacant_since)],
    [t('field.available'), s.available_from || s.available_to
      ? `${formatDate(s.available_from)} – ${formatDate(s.available_to)}` : '–'],
    ...UTILITIES.map((u): [string, string] => [t(`utility.${u}`), yesNo(s.utilities?.[u])]),
    [t('field.step_free_access'), yesNo(s.step_free_access)],
    [t('field.planned_future_use'), s.planned_future_use || '–'],
  ];
  return (
    <>
      <dl class="details">
        {rows.map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
      {s.notes && (
        <>
          <h3>{t('field.notes')}</h3>
          <p class="notes">{s.notes}</p>
        </>
      )}
      <p class="muted">
        {t('space.source', { source: s.source || t('common.manual') })} · {t('space.updated', { date: formatDate(s.updated_at, true) })}
      </p>
    </>
  );
}
