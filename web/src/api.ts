import { csrfToken, type Account } from './session';

// The REST API (/api/v1) as the interface uses it. Errors arrive as RFC 9457 problems and are
// thrown as ApiError, whose `fields` map JSON Pointers (/name, /geometry ...) to messages.

export type SpaceStatus =
  | 'reported' | 'verified' | 'available' | 'allocated' | 'in_use' | 'ended'
  | 'withdrawn' | 'redeveloped' | 'demolished';
export type SpaceKind = 'building' | 'unit' | 'shop' | 'plot' | 'open_space';
export type OwnerType = 'public' | 'private' | 'mixed' | 'unknown';

export const STATUSES: SpaceStatus[] = [
  'reported', 'verified', 'available', 'allocated', 'in_use', 'ended',
  'withdrawn', 'redeveloped', 'demolished',
];
export const KINDS: SpaceKind[] = ['building', 'unit', 'shop', 'plot', 'open_space'];
export const OWNER_TYPES: OwnerType[] = ['public', 'private', 'mixed', 'unknown'];
export const CONDITIONS = ['good', 'needs_repair', 'poor', 'ruin'] as const;
export const VACANCIES = ['complete', 'partial'] as const;
export const BUILDING_TYPES = ['residential', 'commercial', 'industrial', 'historical', 'public', 'mixed'] as const;
export const UTILITIES = ['water', 'electricity', 'heating', 'internet'] as const;
export type Utility = (typeof UTILITIES)[number];

export type Geometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] };

export interface Workspace {
  id: number;
  slug: string;
  name: string;
  country: string;
  languages: string[];
  map_view: { lon: number; lat: number; zoom: number };
  tiles?: { url: string; attribution: string } | null;
}

export interface Space {
  id: number;
  workspace_id: number;
  name: string;
  kind: SpaceKind;
  status: SpaceStatus;
  allowed_transitions: SpaceStatus[];
  geometry: Geometry;
  area_m2: number | null;
  area_source: 'computed' | 'given' | null;
  floor_area_m2: number | null;
  floors: number | null;
  address: string;
  owner_type: OwnerType;
  owner_organisation_id: number | null;
  building_type: string | null;
  condition: string | null;
  vacancy: string | null;
  vacant_since: string | null;
  utilities: Record<Utility, boolean | null>;
  step_free_access: boolean | null;
  available_from: string | null;
  available_to: string | null;
  planned_future_use: string;
  notes: string;
  parent_id: number | null;
  source: string;
  source_id: string;
  source_attributes: Record<string, unknown>;
  version: number;
  created_at: string;
  updated_at: string;
  distance_m?: number;
}

export interface StatusChange {
  id: number;
  at: string;
  from: SpaceStatus | null;
  to: SpaceStatus;
  reason: string;
}

export interface Page<T> {
  items: T[];
  total: number | null;
  limit: number;
  offset: number;
}

export interface ImportReport {
  format: string;
  source: string;
  encoding: string;
  file_name: string;
  dry_run: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  ended: number;
  rejected: { line: number; reference: string; reason: string }[];
  warnings: { line: number; reference: string; reason: string }[];
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface DiscoverySummary {
  file: string;
  dry_run: boolean;
  candidates: number;
  created: number;
  updated: number;
  unchanged: number;
  kept: number;
  ended: number;
  kept_missing: number;
  per_rule: Record<string, number>;
  objects_read: number;
  seconds: number;
}

export interface Job {
  id: number;
  workspace: string;
  kind: 'discovery';
  status: JobStatus;
  params: { file_name?: string; source?: string; path?: string; size?: number; dry_run?: boolean };
  progress: { share_read?: number; objects?: number; objects_per_second?: number; seconds_left?: number; phase?: string };
  result: DiscoverySummary | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ExtractList {
  enabled: boolean;
  items: { path: string; size: number; modified: string }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  user_id: number | null;
  address: string;
  workspace: string | null;
  entity: string;
  entity_id: number;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface FollowedReport {
  status: 'pending' | 'accepted' | 'merged' | 'rejected';
  kind: SpaceKind;
  description: string;
  vacant_for: string;
  lon: number;
  lat: number;
  created_at: string;
  decided_at: string | null;
  decision_reason: string;
  photo_count: number;
  space: { id: number; href: string } | null;
}

export interface ModeratedReport extends Omit<FollowedReport, 'space' | 'photo_count'> {
  id: number;
  contact_name: string;
  contact_email: string;
  space_id: number | null;
  photos: { id: number; width: number; height: number; href: string; thumbnail_href: string }[];
  nearby_spaces?: { id: number; name: string; kind: SpaceKind; status: SpaceStatus; distance_m: number }[];
}

export class ApiError extends Error {
  status: number;
  hint: string;
  fields: Map<string, string>;

  constructor(status: number, detail: string, hint = '', fields = new Map<string, string>()) {
    super(detail);
    this.status = status;
    this.hint = hint;
    this.fields = fields;
  }
}

async function request<T>(method: string, url: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  // Writes carry the session's CSRF token (the session itself travels in its cookie).
  const csrf: Record<string, string> = method !== 'GET' && csrfToken() ? { 'X-CSRF-Token': csrfToken() } : {};
  try {
    res = await fetch(url, { method, body, headers: { Accept: 'application/json', ...csrf, ...headers } });
  } catch {
    throw new ApiError(0, 'network');
  }
  if (res.status === 204) return null as T;
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const fields = new Map<string, string>();
    for (const e of data?.errors ?? []) {
      fields.set(e.pointer ?? e.parameter ?? '', e.detail);
    }
    throw new ApiError(res.status, data?.detail ?? res.statusText, data?.hint ?? '', fields);
  }
  return data as T;
}

const json = (body: unknown) => JSON.stringify(body);
const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const api = {
  workspaces: () => request<{ items: Workspace[] }>('GET', '/api/v1/workspaces').then((r) => r.items),
  workspace: (slug: string) => request<Workspace>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}`),
  spaces: (slug: string, params: URLSearchParams) =>
    request<Page<Space>>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces?${params}`),
  space: (slug: string, id: number) => request<Space>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces/${id}`),
  history: (slug: string, id: number) =>
    request<{ items: StatusChange[] }>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces/${id}/history`).then((r) => r.items),
  createSpace: (slug: string, body: Record<string, unknown>) =>
    request<Space>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces`, json(body), JSON_HEADERS),
  updateSpace: (slug: string, id: number, version: number, patch: Record<string, unknown>) =>
    request<Space>('PATCH', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces/${id}`, json(patch), {
      'Content-Type': 'application/merge-patch+json',
      'If-Match': `"${version}"`,
    }),
  transition: (slug: string, id: number, version: number, to: SpaceStatus, reason: string) =>
    request<Space>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces/${id}/transitions`, json({ to, reason }), {
      ...JSON_HEADERS,
      'If-Match': `"${version}"`,
    }),
  importFile: (slug: string, file: File, options: { format?: string; dryRun: boolean; strict: boolean }) => {
    const q = new URLSearchParams({ file_name: file.name });
    if (options.format) q.set('format', options.format);
    if (options.dryRun) q.set('dry_run', 'true');
    if (options.strict) q.set('strict', 'true');
    return request<ImportReport>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/imports?${q}`, file, {
      'Content-Type': 'application/octet-stream',
    });
  },
  extracts: () => request<ExtractList>('GET', '/api/v1/extracts'),
  jobs: (slug: string) =>
    request<{ items: Job[] }>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/jobs?limit=10`).then((r) => r.items),
  discoverUpload: (slug: string, file: File, dryRun: boolean) => {
    const q = new URLSearchParams({ file_name: file.name });
    if (dryRun) q.set('dry_run', 'true');
    return request<Job>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/discoveries?${q}`, file, {
      'Content-Type': 'application/octet-stream',
    });
  },
  discoverPath: (slug: string, path: string, dryRun: boolean) =>
    request<Job>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/discoveries`, json({ path, dry_run: dryRun }), JSON_HEADERS),
  cancelJob: (slug: string, id: number) =>
    request<Job>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/jobs/${id}/cancel`),
  audit: (slug: string, params: URLSearchParams) =>
    request<{ items: AuditEntry[]; total: number }>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/audit?${params}`),
  auditCsvUrl: (slug: string, params: URLSearchParams) =>
    `/api/v1/workspaces/${encodeURIComponent(slug)}/audit.csv${params.toString() ? `?${params}` : ''}`,
  tokens: () => request<{ items: ApiToken[] }>('GET', '/api/v1/me/tokens').then((r) => r.items),
  createToken: (name: string, scopes: string[]) =>
    request<ApiToken & { secret: string }>('POST', '/api/v1/me/tokens', json({ name, scopes }), JSON_HEADERS),
  revokeToken: (id: number) => request<null>('DELETE', `/api/v1/me/tokens/${id}`),
  logoutEverywhere: () => request<null>('POST', '/api/v1/auth/logout-everywhere'),
  // Ends every session of the account, this one included (the server clears the cookie).
  changePassword: (current_password: string, password: string) =>
    request<null>('POST', '/api/v1/me/password', json({ current_password, password }), JSON_HEADERS),
  eraseMe: (password: string) => request<null>('POST', '/api/v1/me/erase', json({ password }), JSON_HEADERS),
  reportForm: (slug: string) => request<{ form_token: string }>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports/form`),
  createReport: (slug: string, body: Record<string, unknown>) =>
    request<FollowedReport & { follow_token: string }>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports`, json(body), JSON_HEADERS),
  addReportPhoto: (token: string, file: File) =>
    request<{ id: number }>('POST', `/api/v1/reports/${encodeURIComponent(token)}/photos`, file, { 'Content-Type': 'application/octet-stream' }),
  followReport: (token: string) => request<FollowedReport>('GET', `/api/v1/reports/${encodeURIComponent(token)}`),
  reports: (slug: string, status: string) =>
    request<{ items: ModeratedReport[]; total: number }>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports?status=${status}`),
  report: (slug: string, id: number) => request<ModeratedReport>('GET', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports/${id}`),
  acceptReport: (slug: string, id: number, name: string) =>
    request<Space>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports/${id}/accept`, json({ name }), JSON_HEADERS),
  mergeReport: (slug: string, id: number, space_id: number, reason: string) =>
    request<ModeratedReport>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports/${id}/merge`, json(reason ? { space_id, reason } : { space_id }), JSON_HEADERS),
  rejectReport: (slug: string, id: number, reason: string) =>
    request<ModeratedReport>('POST', `/api/v1/workspaces/${encodeURIComponent(slug)}/reports/${id}/reject`, json({ reason }), JSON_HEADERS),
  login: (email: string, password: string) =>
    request<Account>('POST', '/api/v1/auth/login', json({ email, password }), JSON_HEADERS),
  logout: () => request<null>('POST', '/api/v1/auth/logout'),
  register: (email: string, password: string, display_name: string) =>
    request<Account>('POST', '/api/v1/auth/register', json({ email, password, display_name }), JSON_HEADERS),
  verifyEmail: (token: string) => request<null>('POST', '/api/v1/auth/verify-email', json({ token }), JSON_HEADERS),
  unlock: (token: string) => request<null>('POST', '/api/v1/auth/unlock', json({ token }), JSON_HEADERS),
  requestReset: (email: string) => request<{ detail: string }>('POST', '/api/v1/auth/password-reset', json({ email }), JSON_HEADERS),
  confirmReset: (token: string, password: string) =>
    request<null>('POST', '/api/v1/auth/password-reset/confirm', json({ token, password }), JSON_HEADERS),
  exportUrl: (slug: string, format: 'geojson' | 'csv', params: URLSearchParams) =>
    `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces.${format}${params.toString() ? `?${params}` : ''}`,
};
