import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import iconUrl from 'leaflet/dist/images/marker-icon.png';
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png';
import shadowUrl from 'leaflet/dist/images/marker-shadow.png';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Geometry, Workspace } from '../api/types';
import { formatNumber, t } from '../i18n';
import { boundsOf, createMap } from '../map';

L.Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl });

interface Props {
  workspace: Workspace;
  value: Geometry | null;
  onChange: (g: Geometry | null) => void;
  invalid: boolean;
  describedBy?: string;
}

// Draw or edit the point or polygon of a space on the map; the coordinate fields below do the
// same for a point without a pointer.
export function GeometryEditor({ workspace, value, onChange, invalid, describedBy }: Props) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<L.Layer | null>(null);
  const [lon, setLon] = useState('');
  const [lat, setLat] = useState('');

  const show = (g: Geometry | null, fit: boolean) => {
    const map = mapRef.current;
    if (!map) return;
    if (layerRef.current) map.removeLayer(layerRef.current);
    layerRef.current = null;
    if (!g) return;
    const layer =
      g.type === 'Point'
        ? L.marker([g.coordinates[1], g.coordinates[0]], { keyboard: false })
        : L.geoJSON(g as GeoJSON.Geometry, { style: { color: '#0d47a1', weight: 3 } });
    layer.addTo(map);
    layer.on('pm:edit', () => onChange(geometryOf(layer)));
    layerRef.current = layer;
    if (fit) {
      if (g.type === 'Point') map.setView([g.coordinates[1], g.coordinates[0]], Math.max(map.getZoom(), 16));
      else map.fitBounds(boundsOf(g), { maxZoom: 18, padding: [20, 20] });
    }
  };

  useEffect(() => {
    const map = createMap(el.current!, workspace, t('form.map_label'), { fitToSpaces: !value });
    mapRef.current = map;
    map.pm.addControls({
      position: 'topleft',
      drawMarker: true,
      drawPolygon: true,
      drawCircleMarker: false,
      drawPolyline: false,
      drawRectangle: false,
      drawCircle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
      editMode: true,
      dragMode: true,
      removalMode: true,
    });
    // Geoman's tool buttons are links named only by their parent's title: give them names
    // that screen readers announce (WCAG 4.1.2).
    el.current!.querySelectorAll<HTMLElement>('.leaflet-pm-toolbar .button-container').forEach((c) => {
      const button = c.querySelector('.leaflet-buttons-control-button');
      if (button && c.title) button.setAttribute('aria-label', c.title);
    });
    map.on('pm:create', (e: { layer: L.Layer }) => {
      map.removeLayer(e.layer);
      onChange(geometryOf(e.layer));
    });
    map.on('pm:remove', () => onChange(null));
    show(value, true);
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // Redraw when the value changes from outside (coordinates typed, drawing finished).
  const key = JSON.stringify(value);
  useEffect(() => {
    show(value, false);
    if (value?.type === 'Point') {
      setLon(String(value.coordinates[0]));
      setLat(String(value.coordinates[1]));
    }
  }, [key]);

  const usePoint = () => {
    const x = Number(lon);
    const y = Number(lat);
    if (lon === '' || lat === '' || !Number.isFinite(x) || !Number.isFinite(y)) return;
    const g: Geometry = { type: 'Point', coordinates: [x, y] };
    onChange(g);
    show(g, true);
  };

  return (
    <div class={`geometry-editor${invalid ? ' invalid' : ''}`}>
      <p id="geometry-help" class="hint">{t('form.geometry_help')}</p>
      <div ref={el} class="edit-map" data-testid="edit-map" />
      <p aria-live="polite" class="muted" data-testid="geometry-summary">
        {value ? describe(value) : t('form.no_geometry')}
      </p>
      <fieldset class="inline" aria-describedby={describedBy}>
        <legend>{t('form.point_coordinates')}</legend>
        <label>{t('form.longitude')} <input id="geometry" type="text" inputMode="decimal" value={lon} aria-invalid={invalid}
          onInput={(e) => setLon((e.target as HTMLInputElement).value)} /></label>
        <label>{t('form.latitude')} <input type="text" inputMode="decimal" value={lat}
          onInput={(e) => setLat((e.target as HTMLInputElement).value)} /></label>
        <button type="button" class="secondary" onClick={usePoint}>{t('form.use_point')}</button>
      </fieldset>
    </div>
  );
}

function geometryOf(layer: L.Layer): Geometry {
  const gj = (layer as L.Marker | L.Polygon).toGeoJSON() as GeoJSON.Feature | GeoJSON.FeatureCollection;
  const geom = gj.type === 'FeatureCollection' ? gj.features[0].geometry : gj.geometry;
  return geom as unknown as Geometry;
}

function describe(g: Geometry): string {
  if (g.type === 'Point') {
    return t('form.point_at', { lon: formatNumber(g.coordinates[0], 6), lat: formatNumber(g.coordinates[1], 6) });
  }
  const rings = g.type === 'Polygon' ? g.coordinates[0].length - 1 : g.coordinates.length;
  return g.type === 'Polygon' ? t('form.polygon_of', { corners: rings }) : t('form.multipolygon_of', { parts: rings });
}
