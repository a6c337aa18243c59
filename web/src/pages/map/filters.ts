// The public map's filters, kept in the page URL so that a link shows the same view.

import type { QueryOf } from '../../api/client';
import { KINDS, STATUSES, UTILITIES } from '../../api/enums';
import type { SpaceKind, SpaceStatus, Utility } from '../../api/types';

export type SpaceQuery = QueryOf<'get', '/api/v1/workspaces/{workspace}/spaces'>;

export interface Filters {
  q: string;
  status: SpaceStatus[];
  kind: SpaceKind | '';
  minArea: string;
  maxArea: string;
  utilities: Utility[];
  stepFree: boolean;
  from: string;
  to: string;
}

export const EMPTY_FILTERS: Filters = {
  q: '', status: [], kind: '', minArea: '', maxArea: '', utilities: [], stepFree: false, from: '', to: '',
};

export function filtersFromQuery(q: URLSearchParams): Filters {
  const list = (key: string) => (q.get(key) ?? '').split(',').filter(Boolean);
  return {
    q: q.get('q') ?? '',
    status: list('status').filter((s): s is SpaceStatus => (STATUSES as readonly string[]).includes(s)),
    kind: (KINDS as readonly string[]).includes(q.get('kind') ?? '') ? (q.get('kind') as SpaceKind) : '',
    minArea: q.get('min_area') ?? '',
    maxArea: q.get('max_area') ?? '',
    utilities: UTILITIES.filter((u) => q.get(u) === 'true'),
    stepFree: q.get('step_free_access') === 'true',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
  };
}

// The page URL's query: the filters that are set, in a stable order.
export function filtersToQuery(f: Filters, into = new URLSearchParams()): URLSearchParams {
  const set = (k: string, v: string) => (v ? into.set(k, v) : into.delete(k));
  set('q', f.q.trim());
  set('status', f.status.join(','));
  set('kind', f.kind);
  set('min_area', f.minArea);
  set('max_area', f.maxArea);
  for (const u of UTILITIES) set(u, f.utilities.includes(u) ? 'true' : '');
  set('step_free_access', f.stepFree ? 'true' : '');
  set('from', f.from);
  set('to', f.to);
  return into;
}

// The same filters as API parameters.
export function filtersToApi(f: Filters): SpaceQuery {
  const number = (v: string) => (v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
  const p: SpaceQuery = {
    q: f.q.trim() || undefined,
    status: f.status.length ? f.status : undefined,
    kind: f.kind ? [f.kind] : undefined,
    min_area: number(f.minArea),
    max_area: number(f.maxArea),
    step_free_access: f.stepFree || undefined,
    available_from: f.from || undefined,
    available_to: f.to || undefined,
  };
  for (const u of f.utilities) p[u] = true;
  return p;
}
