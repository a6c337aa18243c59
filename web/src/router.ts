// A small history-API router: URLs are the state (shareable, back button works). Pages read
// their route and query from here and call navigate() or replaceQuery() to change them.

import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'home' }
  | { page: 'map'; ws: string }
  | { page: 'space'; ws: string; id: number }
  | { page: 'admin'; ws: string }
  | { page: 'new'; ws: string }
  | { page: 'edit'; ws: string; id: number }
  | { page: 'import'; ws: string }
  | { page: 'discovery'; ws: string }
  | { page: 'audit'; ws: string }
  | { page: 'report'; ws: string }
  | { page: 'moderation'; ws: string }
  | { page: 'follow'; token: string }
  | { page: 'login' }
  | { page: 'account' }
  | { page: 'register' }
  | { page: 'forgot' }
  | { page: 'reset' }
  | { page: 'verify' }
  | { page: 'unlock' }
  | { page: 'calls'; ws: string }
  | { page: 'call'; ws: string; id: number }
  | { page: 'apply'; ws: string; id: number }
  | { page: 'evaluate'; ws: string; id: number }
  | { page: 'application'; ws: string; id: number }
  | { page: 'applicationEdit'; ws: string; id: number }
  | { page: 'myApplications' }
  | { page: 'callsAdmin'; ws: string }
  | { page: 'callNew'; ws: string }
  | { page: 'callManage'; ws: string; id: number }
  | { page: 'callEdit'; ws: string; id: number }
  | { page: 'callMatching'; ws: string; id: number }
  | { page: 'notfound' };

export function parseRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'home' };
  const top = parts.join('/');
  if (top === 'login') return { page: 'login' };
  if (top === 'account') return { page: 'account' };
  if (top === 'account/applications') return { page: 'myApplications' };
  if (parts[0] === 'report' && parts.length === 2) return { page: 'follow', token: parts[1] };
  if (top === 'register') return { page: 'register' };
  if (top === 'account/forgot') return { page: 'forgot' };
  if (top === 'account/reset') return { page: 'reset' };
  if (top === 'account/verify') return { page: 'verify' };
  if (top === 'account/unlock') return { page: 'unlock' };
  if (parts[0] !== 'w' || parts.length < 2) return { page: 'notfound' };
  const ws = parts[1];
  const rest = parts.slice(2);
  const id = (s: string | undefined) => (s && /^\d+$/.test(s) ? Number(s) : NaN);
  if (rest.length === 0) return { page: 'map', ws };
  if (rest[0] === 'report' && rest.length === 1) return { page: 'report', ws };
  if (rest[0] === 'spaces' && rest.length === 2 && !Number.isNaN(id(rest[1]))) return { page: 'space', ws, id: id(rest[1]) };
  if (rest[0] === 'calls') {
    if (rest.length === 1) return { page: 'calls', ws };
    if (!Number.isNaN(id(rest[1]))) {
      if (rest.length === 2) return { page: 'call', ws, id: id(rest[1]) };
      if (rest.length === 3 && rest[2] === 'apply') return { page: 'apply', ws, id: id(rest[1]) };
      if (rest.length === 3 && rest[2] === 'evaluate') return { page: 'evaluate', ws, id: id(rest[1]) };
    }
  }
  if (rest[0] === 'applications' && !Number.isNaN(id(rest[1]))) {
    if (rest.length === 2) return { page: 'application', ws, id: id(rest[1]) };
    if (rest.length === 3 && rest[2] === 'edit') return { page: 'applicationEdit', ws, id: id(rest[1]) };
  }
  if (rest[0] === 'admin') {
    if (rest.length === 1) return { page: 'admin', ws };
    if (rest[1] === 'new' && rest.length === 2) return { page: 'new', ws };
    if (rest[1] === 'import' && rest.length === 2) return { page: 'import', ws };
    if (rest[1] === 'discovery' && rest.length === 2) return { page: 'discovery', ws };
    if (rest[1] === 'audit' && rest.length === 2) return { page: 'audit', ws };
    if (rest[1] === 'reports' && rest.length === 2) return { page: 'moderation', ws };
    if (rest[1] === 'spaces' && rest.length === 3 && !Number.isNaN(id(rest[2]))) return { page: 'edit', ws, id: id(rest[2]) };
    if (rest[1] === 'calls') {
      if (rest.length === 2) return { page: 'callsAdmin', ws };
      if (rest.length === 3 && rest[2] === 'new') return { page: 'callNew', ws };
      if (!Number.isNaN(id(rest[2]))) {
        if (rest.length === 3) return { page: 'callManage', ws, id: id(rest[2]) };
        if (rest.length === 4 && rest[3] === 'edit') return { page: 'callEdit', ws, id: id(rest[2]) };
        if (rest.length === 4 && rest[3] === 'matching') return { page: 'callMatching', ws, id: id(rest[2]) };
      }
    }
  }
  return { page: 'notfound' };
}

export const paths = {
  home: () => '/',
  login: (next?: string) => (next ? `/login?next=${encodeURIComponent(next)}` : '/login'),
  map: (ws: string) => `/w/${encodeURIComponent(ws)}`,
  space: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/spaces/${id}`,
  admin: (ws: string) => `/w/${encodeURIComponent(ws)}/admin`,
  newSpace: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/new`,
  edit: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/admin/spaces/${id}`,
  import: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/import`,
  discovery: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/discovery`,
  audit: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/audit`,
  report: (ws: string) => `/w/${encodeURIComponent(ws)}/report`,
  moderation: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/reports`,
  calls: (ws: string) => `/w/${encodeURIComponent(ws)}/calls`,
  call: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/calls/${id}`,
  apply: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/calls/${id}/apply`,
  evaluate: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/calls/${id}/evaluate`,
  application: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/applications/${id}`,
  applicationEdit: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/applications/${id}/edit`,
  myApplications: () => '/account/applications',
  callsAdmin: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/calls`,
  callNew: (ws: string) => `/w/${encodeURIComponent(ws)}/admin/calls/new`,
  callManage: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/admin/calls/${id}`,
  callEdit: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/admin/calls/${id}/edit`,
  callMatching: (ws: string, id: number) => `/w/${encodeURIComponent(ws)}/admin/calls/${id}/matching`,
};

const listeners = new Set<() => void>();

export function navigate(url: string, replace = false): void {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  listeners.forEach((l) => l());
}

// Changes the query of the current page without a new history entry per keystroke or pan.
export function replaceQuery(params: URLSearchParams): void {
  const q = params.toString();
  const url = `${location.pathname}${q ? `?${q}` : ''}`;
  if (url !== `${location.pathname}${location.search}`) history.replaceState(null, '', url);
}

export function useLocation(): { route: Route; query: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return { route: parseRoute(location.pathname), query: new URLSearchParams(location.search) };
}

// Same-origin links navigate without reloading; modified clicks keep the browser's behaviour.
export function installLinkHandler(): void {
  document.addEventListener('click', (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element).closest?.('a');
    if (!a || a.target || a.hasAttribute('download')) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('/api/') || href.startsWith('/ogc')) return;
    e.preventDefault();
    navigate(href);
  });
}
