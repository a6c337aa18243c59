// Leaflet maps: the base layer from the workspace's settings (OpenStreetMap by default), spaces
// drawn as coloured points and polygons, points clustered when many. Spaces draw without tiles
// (offline): the map then shows them on its plain background.

import L from 'leaflet';
import 'leaflet.markercluster';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import type { Geometry, Space, SpaceStatus, Workspace } from './api';

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

export function createMap(el: HTMLElement, ws: Workspace, label: string): L.Map {
  const map = L.map(el, { zoomControl: true, keyboard: true, worldCopyJump: true });
  el.setAttribute('aria-label', label);
  el.setAttribute('role', 'region');
  const tiles = ws.tiles?.url ? ws.tiles : DEFAULT_TILES;
  L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19, crossOrigin: true }).addTo(map);
  map.setView([ws.map_view.lat, ws.map_view.lon], ws.map_view.zoom);
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
