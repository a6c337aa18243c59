// Leaflet maps: the base layer from the workspace's settings (OpenStreetMap by default), spaces
// drawn as coloured points and polygons, points clustered when many. Spaces draw without tiles
// (offline): the map then shows them on its plain background.

import L from 'leaflet';
import 'leaflet.markercluster';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import { api } from './api/client';
import type { Geometry, Space, SpaceStatus, Workspace } from './api/types';

export const DEFAULT_TILES = {
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
};

// Colours with at least 3:1 contrast against white and the light map background (WCAG 1.4.11).
export const STATUS_COLOURS: Record<SpaceStatus, string> = {
  reported: '#8a4b00',
  verified: '#6a1b9a',
  available: '#1b6e20',
  allocated: '#0d47a1',
  in_use: '#00695c',
  ended: '#545454',
  withdrawn: '#7b5e00',
  redeveloped: '#4e342e',
  demolished: '#b71c1c',
};

// Where a map opens when its workspace has no view and no spaces yet: Europe.
export const DEFAULT_VIEW = { lat: 50, lon: 10, zoom: 4 };

// A workspace created without a map view has the server's default position (0, 0): the
// Atlantic off Africa, where no workspace is. Its maps open on its spaces instead.
export function hasMapView(ws: Workspace): boolean {
  return !(ws.map_view.lon === 0 && ws.map_view.lat === 0);
}

// The spaces read to find where a workspace without a view lies.
const EXTENT_SAMPLE = 1000;

// The bounds of the workspace's spaces (of the first EXTENT_SAMPLE of them when it has more);
// null when it has none.
export async function spacesBounds(slug: string): Promise<L.LatLngBounds | null> {
  const page = await api('get', '/api/v1/workspaces/{workspace}/spaces', {
    path: { workspace: slug }, query: { limit: EXTENT_SAMPLE, sort: 'id' },
  });
  let bounds: L.LatLngBounds | null = null;
  for (const s of page.items) {
    for (const [lon, lat] of positions(s.geometry)) {
      const p = L.latLng(lat, lon);
      bounds = bounds ? bounds.extend(p) : L.latLngBounds(p, p);
    }
  }
  return bounds;
}

function positions(g: Geometry): number[][] {
  if (g.type === 'Point') return [g.coordinates];
  if (g.type === 'Polygon') return g.coordinates.flat();
  return g.coordinates.flat(2);
}

// A map with the workspace's base layer, at the workspace's view. Without one, the map opens on
// Europe and moves to the workspace's spaces once they are known (unless `fitToSpaces` is
// false: the caller places the map itself).
export function createMap(el: HTMLElement, ws: Workspace, label: string, { fitToSpaces = true } = {}): L.Map {
  const map = L.map(el, { zoomControl: true, keyboard: true, worldCopyJump: true });
  el.setAttribute('aria-label', label);
  el.setAttribute('role', 'region');
  const tiles = ws.tiles?.url ? ws.tiles : DEFAULT_TILES;
  L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19, crossOrigin: true }).addTo(map);
  if (hasMapView(ws)) {
    map.setView([ws.map_view.lat, ws.map_view.lon], ws.map_view.zoom);
    return map;
  }
  map.setView([DEFAULT_VIEW.lat, DEFAULT_VIEW.lon], DEFAULT_VIEW.zoom);
  if (fitToSpaces) {
    let removed = false;
    map.on('unload', () => (removed = true));
    spacesBounds(ws.slug).then(
      (bounds) => {
        if (!removed && bounds) map.fitBounds(bounds, { maxZoom: 16, padding: [30, 30], animate: false });
      },
      () => undefined, // the default view stays
    );
  }
  return map;
}

export function geometryLayer(g: Geometry, colour: string): L.Layer {
  if (g.type === 'Point') {
    return L.circleMarker([g.coordinates[1], g.coordinates[0]], {
      radius: 8, color: '#ffffff', weight: 2, fillColor: colour, fillOpacity: 1,
    });
  }
  return L.geoJSON(g as GeoJSON.Geometry, {
    style: { color: colour, weight: 3, fillColor: colour, fillOpacity: 0.35 },
  });
}

export interface SpacesLayer {
  layer: L.Layer;
  update(spaces: Space[], popup: (s: Space) => HTMLElement): void;
}

// Points go into a cluster group, polygons stay as shapes.
export function spacesLayer(): SpacesLayer {
  const group = L.featureGroup();
  const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
  const shapes = L.featureGroup();
  group.addLayer(clusters);
  group.addLayer(shapes);
  return {
    layer: group,
    update(spaces, popup) {
      clusters.clearLayers();
      shapes.clearLayers();
      const markers: L.Layer[] = [];
      for (const s of spaces) {
        const layer = geometryLayer(s.geometry, STATUS_COLOURS[s.status]);
        layer.bindPopup(() => popup(s));
        if (s.geometry.type === 'Point') markers.push(layer);
        else shapes.addLayer(layer);
      }
      clusters.addLayers(markers);
    },
  };
}

export function boundsOf(g: Geometry): L.LatLngBounds {
  return L.geoJSON(g as GeoJSON.Geometry).getBounds();
}
