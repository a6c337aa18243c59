// The public map's filters, kept in the page URL so that a link shows the same view.

import { KINDS, STATUSES, UTILITIES, type SpaceKind, type SpaceStatus, type Utility } from './api';

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
    status: list('status').filter((s): s is SpaceStatus => (STATUSES as string[]).includes(s)),
    kind: (KINDS as string[]).includes(q.get('kind') ?? '') ? (q.get('kind') as SpaceKind) : '',
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
export function filtersToApi(f: Filters): URLSearchParams {
  const p = new URLSearchParams();
  if (f.q.trim()) p.set('q', f.q.trim());
  if (f.status.length) p.set('status', f.status.join(','));
  if (f.kind) p.set('kind', f.kind);
  if (f.minArea) p.set('min_area', f.minArea);
  if (f.maxArea) p.set('max_area', f.maxArea);
  for (const u of f.utilities) p.set(u, 'true');
  if (f.stepFree) p.set('step_free_access', 'true');
  if (f.from) p.set('available_from', f.from);
  if (f.to) p.set('available_to', f.to);
  return p;
}
