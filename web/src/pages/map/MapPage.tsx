import L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import { STATUSES } from '../../api/enums';
import type { Space, SpaceList, Workspace } from '../../api/types';
import { Async } from '../../components/Async';
import { ErrorMessage } from '../../components/Messages';
import { StatusBadge } from '../../components/Status';
import { useDocumentTitle, useWorkspace } from '../../hooks';
import { formatArea, t } from '../../i18n';
import { createMap, spacesLayer, STATUS_COLOURS, type SpacesLayer } from '../../map';
import { navigate, paths, replaceQuery } from '../../router';
import { FilterForm } from './FilterForm';
import { filtersFromQuery, filtersToApi, filtersToQuery, type Filters } from './filters';

const PAGE = 500;

interface View {
  lat: number;
  lon: number;
  zoom: number;
  bbox: number[];
}

function viewOf(map: L.Map): View {
  const c = map.getCenter();
  const b = map.getBounds();
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const bbox = [
    clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
  ].map((n) => Number(n.toFixed(6)));
  return { lat: c.lat, lon: c.lng, zoom: map.getZoom(), bbox };
}

function withView(q: URLSearchParams, v: View): URLSearchParams {
  const out = new URLSearchParams(q);
  out.set('lat', v.lat.toFixed(5));
  out.set('lon', v.lon.toFixed(5));
  out.set('z', String(v.zoom));
  return out;
}

export function MapPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const workspace = useWorkspace(ws);
  useDocumentTitle(workspace.data?.name ?? '');
  return <Async state={workspace}>{(w) => <MapView workspace={w} query={query} />}</Async>;
}

function MapView({ workspace, query }: { workspace: Workspace; query: URLSearchParams }) {
  const filters = useMemo(() => filtersFromQuery(query), [query.toString()]);
  const mapEl = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<SpacesLayer | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [page, setPage] = useState<SpaceList | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // The map, once.
  useEffect(() => {
    // The view in the URL, else the workspace's (or, without one, its spaces).
    const lat = Number(query.get('lat'));
    const lon = Number(query.get('lon'));
    const z = Number(query.get('z'));
    const inUrl = query.has('lat') && query.has('lon') && Number.isFinite(lat) && Number.isFinite(lon);
    const map = createMap(mapEl.current!, workspace, t('map.label'), { fitToSpaces: !inUrl });
    if (inUrl) map.setView([lat, lon], Number.isFinite(z) && query.has('z') ? z : map.getZoom());
    const layer = spacesLayer();
    layer.layer.addTo(map);
    mapRef.current = map;
    layerRef.current = layer;
    const moved = () => {
      const v = viewOf(map);
      setView(v);
      replaceQuery(withView(new URLSearchParams(location.search), v));
    };
    map.on('moveend', moved);
    setView(viewOf(map));
    return () => {
      map.off('moveend', moved);
      map.remove();
      mapRef.current = null;
    };
  }, [workspace.slug]);

  // Back and forward buttons: follow the view stored in the URL.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !query.has('lat')) return;
    const lat = Number(query.get('lat'));
    const lon = Number(query.get('lon'));
    const z = Number(query.get('z') ?? map.getZoom());
    const c = map.getCenter();
    if (Math.abs(c.lat - lat) > 1e-4 || Math.abs(c.lng - lon) > 1e-4 || map.getZoom() !== z) {
      map.setView([lat, lon], z);
    }
  }, [query.get('lat'), query.get('lon'), query.get('z')]);

  // The spaces in view that pass the filters: for the list and the map alike.
  const apiQuery = filtersToApi(filters);
  const apiKey = JSON.stringify(apiQuery);
  useEffect(() => {
    if (!view) return;
    let live = true;
    api('get', '/api/v1/workspaces/{workspace}/spaces', {
      path: { workspace: workspace.slug },
      query: { ...apiQuery, bbox: view.bbox, limit: PAGE, sort: 'name' },
    }).then(
      (r) => {
        if (!live) return;
        setPage(r);
        setError(null);
        layerRef.current?.update(r.items, (s) => popupFor(workspace.slug, s));
      },
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [view?.bbox.join(','), apiKey, workspace.slug]);

  const update = (next: Filters) => {
    const q = filtersToQuery(next, new URLSearchParams(location.search));
    navigate(`${location.pathname}?${q}`);
  };

  const total = page?.total ?? 0;
  return (
    <div class="map-page">
      <h1 class="visually-hidden-focusable">{t('map.title', { workspace: workspace.name })}</h1>
      <FilterForm filters={filters} onChange={update} />
      <div class="map-and-list">
        <div ref={mapEl} class="map" id="map" data-testid="map" />
        <section class="results" aria-labelledby="results-heading">
          <h2 id="results-heading">{t('map.results')}</h2>
          <p><a class="button secondary" href={paths.report(workspace.slug)}>{t('report.title')}</a></p>
          <p><a href={paths.calls(workspace.slug)}>{t('calls.link')}</a></p>
          <p role="status" aria-live="polite" data-testid="result-count">
            {page ? t('map.count', { count: total }) : t('common.loading')}
            {page && total > page.items.length ? ` ${t('map.more', { shown: page.items.length })}` : ''}
          </p>
          {error && <ErrorMessage error={error} />}
          <ul class="space-list" data-testid="space-list">
            {page?.items.map((s) => (
              <li key={s.id}>
                <a href={paths.space(workspace.slug, s.id)}>{s.name}</a>
                <div class="meta">
                  <StatusBadge status={s.status} />
                  <span>{t(`kind.${s.kind}`)}</span>
                  <span>{formatArea(s.area_m2)}</span>
                </div>
                {s.address && <div class="muted">{s.address}</div>}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <Legend />
    </div>
  );
}

function popupFor(ws: string, s: Space): HTMLElement {
  const div = document.createElement('div');
  const a = document.createElement('a');
  a.href = paths.space(ws, s.id);
  a.textContent = s.name;
  const p = document.createElement('p');
  p.textContent = `${t(`status.${s.status}`)} · ${t(`kind.${s.kind}`)} · ${formatArea(s.area_m2)}`;
  div.append(a, p);
  return div;
}

function Legend() {
  return (
    <details class="legend">
      <summary>{t('map.legend')}</summary>
      <ul>
        {STATUSES.map((s) => (
          <li key={s}>
            <span class="dot" style={{ background: STATUS_COLOURS[s] }} aria-hidden="true" />
            {t(`status.${s}`)}
          </li>
        ))}
      </ul>
    </details>
  );
}
