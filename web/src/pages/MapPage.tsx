import L from 'leaflet';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, KINDS, STATUSES, UTILITIES, type Page, type Space, type Workspace } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { StatusBadge } from '../components/Status';
import { EMPTY_FILTERS, filtersFromQuery, filtersToApi, filtersToQuery, type Filters } from '../filters';
import { useDocumentTitle, useWorkspace } from '../hooks';
import { formatArea, t } from '../i18n';
import { createMap, spacesLayer, STATUS_COLOURS, type SpacesLayer } from '../map';
import { navigate, paths, replaceQuery } from '../router';

const PAGE = 500;

interface View {
  lat: number;
  lon: number;
  zoom: number;
  bbox: string;
}

function viewOf(map: L.Map): View {
  const c = map.getCenter();
  const b = map.getBounds();
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const bbox = [
    clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90),
    clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90),
  ].map((n) => n.toFixed(6)).join(',');
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
  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  if (!workspace.data) return <Loading />;
  return <MapView workspace={workspace.data} query={query} />;
}

function MapView({ workspace, query }: { workspace: Workspace; query: URLSearchParams }) {
  const filters = useMemo(() => filtersFromQuery(query), [query.toString()]);
  const mapEl = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<SpacesLayer | null>(null);
  const [view, setView] = useState<View | null>(null);
  const [page, setPage] = useState<Page<Space> | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  // The map, once.
  useEffect(() => {
    const map = createMap(mapEl.current!, workspace, t('map.label'));
    const lat = Number(query.get('lat'));
    const lon = Number(query.get('lon'));
    const z = Number(query.get('z'));
    if (query.has('lat') && query.has('lon') && Number.isFinite(lat) && Number.isFinite(lon)) {
      map.setView([lat, lon], Number.isFinite(z) && query.has('z') ? z : workspace.map_view.zoom);
    }
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
  useEffect(() => {
    if (!view) return;
    const p = new URLSearchParams(apiQuery);
    p.set('bbox', view.bbox);
    p.set('limit', String(PAGE));
    p.set('sort', 'name');
    let live = true;
    api.spaces(workspace.slug, p).then(
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
  }, [view?.bbox, apiQuery.toString(), workspace.slug]);

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

function FilterForm({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  // Typing waits for a pause; every other control applies at once.
  useEffect(() => {
    if (text === filters.q) return;
    const id = setTimeout(() => onChange({ ...filters, q: text }), 350);
    return () => clearTimeout(id);
  }, [text]);

  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const active = filtersToQuery(filters).toString() !== '';
  return (
    <form class="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => { e.preventDefault(); onChange({ ...filters, q: text }); }}>
      <div class="field">
        <label for="f-q">{t('filters.text')}</label>
        <input id="f-q" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </div>
      <div class="field">
        <label for="f-kind">{t('filters.kind')}</label>
        <select id="f-kind" value={filters.kind} onChange={(e) => onChange({ ...filters, kind: (e.target as HTMLSelectElement).value as Filters['kind'] })}>
          <option value="">{t('filters.any')}</option>
          {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
        </select>
      </div>
      <fieldset class="field">
        <legend>{t('filters.status')}</legend>
        <div class="checks">
          {STATUSES.map((s) => (
            <label key={s}>
              <input type="checkbox" name="status" value={s} checked={filters.status.includes(s)}
                onChange={() => onChange({ ...filters, status: toggle(filters.status, s) })} />
              {t(`status.${s}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.area')}</legend>
        <div class="inline">
          <label>{t('filters.min')} <input type="number" min="0" step="any" inputMode="decimal" value={filters.minArea}
            onChange={(e) => onChange({ ...filters, minArea: (e.target as HTMLInputElement).value })} /></label>
          <label>{t('filters.max')} <input type="number" min="0" step="any" inputMode="decimal" value={filters.maxArea}
            onChange={(e) => onChange({ ...filters, maxArea: (e.target as HTMLInputElement).value })} /></label>
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.utilities')}</legend>
        <div class="checks">
          {UTILITIES.map((u) => (
            <label key={u}>
              <input type="checkbox" checked={filters.utilities.includes(u)}
                onChange={() => onChange({ ...filters, utilities: toggle(filters.utilities, u) })} />
              {t(`utility.${u}`)}
            </label>
          ))}
          <label>
            <input type="checkbox" checked={filters.stepFree} onChange={() => onChange({ ...filters, stepFree: !filters.stepFree })} />
            {t('field.step_free_access')}
          </label>
        </div>
      </fieldset>
      <fieldset class="field">
        <legend>{t('filters.period')}</legend>
        <div class="inline">
          <label>{t('filters.from')} <input type="date" value={filters.from} onChange={(e) => onChange({ ...filters, from: (e.target as HTMLInputElement).value })} /></label>
          <label>{t('filters.to')} <input type="date" value={filters.to} onChange={(e) => onChange({ ...filters, to: (e.target as HTMLInputElement).value })} /></label>
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit">{t('filters.apply')}</button>
        {active && <button type="button" class="secondary" onClick={() => onChange(EMPTY_FILTERS)}>{t('filters.reset')}</button>}
      </div>
    </form>
  );
}

