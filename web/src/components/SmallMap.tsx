import { useEffect, useRef } from 'preact/hooks';
import type { Space, Workspace } from '../api/types';
import { t } from '../i18n';
import { boundsOf, createMap, geometryLayer, STATUS_COLOURS } from '../map';

// The location of one space.
export function SmallMap({ workspace, space }: { workspace: Workspace; space: Space }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = createMap(el.current!, workspace, t('space.location_map', { name: space.name }), { fitToSpaces: false });
    geometryLayer(space.geometry, STATUS_COLOURS[space.status]).addTo(map);
    if (space.geometry.type === 'Point') {
      map.setView([space.geometry.coordinates[1], space.geometry.coordinates[0]], 17);
    } else {
      map.fitBounds(boundsOf(space.geometry), { maxZoom: 18, padding: [20, 20] });
    }
    return () => map.remove();
  }, [space.id, space.version]);
  return <div ref={el} class="small-map" />;
}
