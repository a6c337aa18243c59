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

// What ending one's access ended: a reset or changed password, or signing out everywhere.
export interface EndedAccess {
  sessions_ended: number;
  tokens_revoked: number;
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
  // Ends every session and revokes every personal API token of the account.
  logoutEverywhere: () => request<EndedAccess>('POST', '/api/v1/auth/logout-everywhere'),
  // Ends every session of the account, this one included (the server clears the cookie), and
  // revokes its personal API tokens unless `revoke_tokens` is false.
  changePassword: (current_password: string, password: string, revoke_tokens: boolean) =>
    request<EndedAccess>('POST', '/api/v1/me/password', json({ current_password, password, revoke_tokens }), JSON_HEADERS),
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
  // The same answer whether or not the address has an account.
  register: (email: string, password: string, display_name: string) =>
    request<{ detail: string }>('POST', '/api/v1/auth/register', json({ email, password, display_name }), JSON_HEADERS),
  verifyEmail: (token: string) => request<null>('POST', '/api/v1/auth/verify-email', json({ token }), JSON_HEADERS),
  unlock: (token: string) => request<null>('POST', '/api/v1/auth/unlock', json({ token }), JSON_HEADERS),
  requestReset: (email: string) => request<{ detail: string }>('POST', '/api/v1/auth/password-reset', json({ email }), JSON_HEADERS),
  confirmReset: (token: string, password: string) =>
    request<EndedAccess>('POST', '/api/v1/auth/password-reset/confirm', json({ token, password }), JSON_HEADERS),
  exportUrl: (slug: string, format: 'geojson' | 'csv', params: URLSearchParams) =>
    `/api/v1/workspaces/${encodeURIComponent(slug)}/spaces.${format}${params.toString() ? `?${params}` : ''}`,
  // Calls for temporary use: the call, its applications, the jury's sheets, the matching.
  me: () => request<Me>('GET', '/api/v1/me'),
  calls: (slug: string, state?: CallState) =>
    request<{ items: Call[] }>('GET', `${wsPath(slug)}/calls${state ? `?state=${state}` : ''}`).then((r) => r.items),
  call: (slug: string, id: number) => request<Call>('GET', `${wsPath(slug)}/calls/${id}`),
  createCall: (slug: string, body: CallInput) => request<Call>('POST', `${wsPath(slug)}/calls`, json(body), JSON_HEADERS),
  updateCall: (slug: string, id: number, version: number, patch: Partial<CallInput>) =>
    request<Call>('PATCH', `${wsPath(slug)}/calls/${id}`, json(patch), { 'Content-Type': 'application/merge-patch+json', 'If-Match': `"${version}"` }),
  transitionCall: (slug: string, id: number, to: CallState) =>
    request<Call>('POST', `${wsPath(slug)}/calls/${id}/transitions`, json({ to }), JSON_HEADERS),
  callApplications: (slug: string, id: number) =>
    request<{ items: Application[] }>('GET', `${wsPath(slug)}/calls/${id}/applications`).then((r) => r.items),
  createApplication: (slug: string, callId: number, body: ApplicationInput & { organisation_id: number }) =>
    request<Application>('POST', `${wsPath(slug)}/calls/${callId}/applications`, json(body), JSON_HEADERS),
  myApplications: () => request<{ items: MyApplication[] }>('GET', '/api/v1/me/applications').then((r) => r.items),
  application: (slug: string, id: number) => request<Application>('GET', `${wsPath(slug)}/applications/${id}`),
  updateApplication: (slug: string, id: number, version: number, patch: Partial<ApplicationInput>) =>
    request<Application>('PATCH', `${wsPath(slug)}/applications/${id}`, json(patch), { 'Content-Type': 'application/merge-patch+json', 'If-Match': `"${version}"` }),
  submitApplication: (slug: string, id: number) =>
    request<Application & { warnings: string[] }>('POST', `${wsPath(slug)}/applications/${id}/submit`),
  withdrawApplication: (slug: string, id: number) => request<Application>('POST', `${wsPath(slug)}/applications/${id}/withdraw`),
  addAttachment: (slug: string, id: number, name: string, file: File) =>
    request<Attachment>('POST', `${wsPath(slug)}/applications/${id}/attachments?${new URLSearchParams({ name, file_name: file.name })}`, file, {
      'Content-Type': 'application/octet-stream',
    }),
  attachmentUrl: (slug: string, id: number, attachment: number) => `${wsPath(slug)}/applications/${id}/attachments/${attachment}`,
  removeAttachment: (slug: string, id: number, attachment: number) =>
    request<null>('DELETE', `${wsPath(slug)}/applications/${id}/attachments/${attachment}`),
  setEligibility: (slug: string, id: number, body: { status: 'eligible' | 'ineligible'; reasons?: string[]; note?: string }) =>
    request<Application>('PUT', `${wsPath(slug)}/applications/${id}/eligibility`, json(body), JSON_HEADERS),
  setShortlisted: (slug: string, id: number, shortlisted: boolean) =>
    request<Application>('PUT', `${wsPath(slug)}/applications/${id}/shortlist`, json({ shortlisted }), JSON_HEADERS),
  evaluations: (slug: string, id: number) =>
    request<EvaluationList>('GET', `${wsPath(slug)}/applications/${id}/evaluations`),
  saveEvaluation: (slug: string, id: number, body: EvaluationInput & { submit: boolean }) =>
    request<Evaluation>('PUT', `${wsPath(slug)}/applications/${id}/evaluation`, json(body), JSON_HEADERS),
  evaluationQueue: (slug: string, callId: number) => request<EvaluationQueue>('GET', `${wsPath(slug)}/calls/${callId}/evaluation`),
  ranking: (slug: string, callId: number) => request<Ranking>('GET', `${wsPath(slug)}/calls/${callId}/ranking`),
  runMatching: (slug: string, callId: number, solver?: 'auto' | 'flow' | 'mip' | 'greedy') =>
    request<MatchingProposal>('POST', `${wsPath(slug)}/calls/${callId}/matching`, json(solver ? { solver } : {}), JSON_HEADERS),
  matching: (slug: string, callId: number) => request<MatchingProposal>('GET', `${wsPath(slug)}/calls/${callId}/matching`),
  setAdjustments: (slug: string, callId: number, items: MatchingAdjustment[]) =>
    request<Call>('PUT', `${wsPath(slug)}/calls/${callId}/adjustments`, json({ items }), JSON_HEADERS),
  publishDecisions: (slug: string, callId: number) =>
    request<{ call: Call; decisions: number; allocated: number; mails: number }>('POST', `${wsPath(slug)}/calls/${callId}/publish`, json({}), JSON_HEADERS),
  members: (slug: string) => request<{ items: Member[] }>('GET', `${wsPath(slug)}/members`).then((r) => r.items),
  organisations: (slug: string) =>
    request<{ items: Organisation[] }>('GET', `${wsPath(slug)}/organisations?limit=1000`).then((r) => r.items),
};

const wsPath = (slug: string) => `/api/v1/workspaces/${encodeURIComponent(slug)}`;

export type CallState = 'draft' | 'open' | 'closed' | 'evaluating' | 'decided';
export const CALL_STATES: CallState[] = ['draft', 'open', 'closed', 'evaluating', 'decided'];
export const PROJECT_CATEGORIES = ['culture', 'social', 'education', 'greening', 'sport', 'economic', 'mixed'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];
export const FEE_MODELS = ['free', 'utilities_only', 'reduced_rent', 'market_rent', 'negotiated'] as const;
export type FeeModel = (typeof FEE_MODELS)[number];
export const SETTINGS = ['either', 'indoor', 'outdoor'] as const;
export type Setting = (typeof SETTINGS)[number];
export const ORGANISATION_TYPES = ['public_authority', 'urban_agency', 'private_company', 'non_profit', 'cooperative', 'informal_group', 'other'] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

export interface Organisation {
  id: number;
  name: string;
  type: OrganisationType;
}

export interface Me {
  id: number;
  email: string;
  display_name: string;
  instance_admin: boolean;
  roles: { workspace: string; role: string; organisations: Organisation[] }[];
}

export interface Member {
  user_id: number;
  email: string;
  display_name: string;
  role: string;
}

export interface CallSpace {
  space_id: number;
  available_from: string;
  available_to: string;
  capacity: number;
}

export interface Criterion {
  key: string;
  label: string;
  description?: string;
  weight: number;
  scale_min: number;
  scale_max: number;
}

export interface MatchingSettings {
  score_weight: number;
  area_weight: number;
  preference_weight: number;
  distance_weight: number;
  quotas: Partial<Record<ProjectCategory, number>>;
  preferences_required: boolean;
  start_step_days: number;
  aggregation: 'mean' | 'median';
  time_limit_seconds: number;
}

export interface MatchingAdjustment {
  application_id: number;
  space_id: number;
  locked: boolean;
}

export interface CallInput {
  title: string;
  description: string;
  spaces: CallSpace[];
  eligibility: { organisation_types: OrganisationType[]; min_duration_days: number | null; max_duration_days: number | null };
  criteria: Criterion[];
  documents_required: string[];
  opens_at: string | null;
  closes_at: string | null;
  fee_model: FeeModel;
  fee_details: string;
  matching: MatchingSettings;
  // user ids; on writes also the e-mail addresses of registered accounts
  evaluators?: Array<number | string>;
}

// An offered space: the public view of the space with the call's period and capacity.
export type OfferedSpace = Space & { call: { available_from: string; available_to: string; capacity: number } };

export interface Call extends CallInput {
  id: number;
  workspace_id: number;
  state: CallState;
  version: number;
  created_at: string;
  updated_at: string;
  decided_at: string | null;
  accepting_applications: boolean;
  adjustments?: MatchingAdjustment[];
  offered_spaces?: OfferedSpace[];
  jury?: { user_id: number; email: string; display_name: string }[]; // staff only
}

export interface WantedPeriod {
  start?: string;
  end?: string;
  duration_days?: number;
  earliest_start?: string;
  latest_end?: string;
}

export interface ApplicationInput {
  title: string;
  description: string;
  category: ProjectCategory;
  needs: {
    min_area_m2: number | null;
    max_area_m2: number | null;
    setting: Setting;
    utilities: Record<Utility, boolean>;
    step_free_access: boolean;
  };
  period: WantedPeriod;
  preferred_spaces: number[];
  expected_impact: string;
  team: string;
  budget_eur: number | null;
}

export interface Attachment {
  id: number;
  name: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
}

// One space in the explanation of a decision: why the application did not get it (reason codes
// of the matching) and, when its capacity was taken, by which applications.
export interface SpaceVerdict {
  space: number;
  space_name?: string;
  reasons: string[];
  taken_by?: { request: number; title?: string; score: number; contribution: number; start: string; end: string }[];
}

export interface MatchingAssignment {
  request: number;
  space: number;
  start: string;
  end: string;
  contribution: number;
  terms?: { score: number; area_fit: number; preference: number; distance: number };
  locked?: boolean;
  title?: string;
  space_name?: string;
}

export interface MatchingExplanation {
  request: number;
  title?: string;
  score: number;
  assignment: MatchingAssignment | null;
  preference_rank: number | null;
  spaces: SpaceVerdict[];
}

export interface MatchingProposal {
  solver: 'flow' | 'mip' | 'greedy';
  optimal: boolean;
  objective: number;
  bound?: number;
  gap: number;
  seconds?: number;
  assignments: MatchingAssignment[];
  explanations: MatchingExplanation[];
  run_at: string;
  input: string;
  candidates?: number;
  current?: boolean;
}

export interface Decision {
  outcome: 'none' | 'allocated' | 'not_allocated';
  space_id: number | null;
  start: string | null;
  end: string | null;
  explanation: (Partial<MatchingExplanation> & { reason?: 'ineligible' | 'not_shortlisted'; codes?: string[]; note?: string }) | null;
}

export interface Application extends ApplicationInput {
  id: number;
  workspace_id: number;
  call_id: number;
  organisation_id: number;
  created_by: number;
  attachments: Attachment[];
  status: 'draft' | 'submitted' | 'withdrawn';
  eligibility: { status: 'pending' | 'eligible' | 'ineligible'; reasons: string[]; note: string; by_officer: boolean };
  shortlisted?: boolean;
  decision?: Decision;
  version: number;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
}

export interface MyApplication extends Application {
  workspace: string;
  call: { id: number; title: string; state: CallState; closes_at: string | null };
}

export interface EvaluationInput {
  conflict_of_interest: boolean;
  conflict_note: string;
  scores: Record<string, { value: number; comment: string }>;
}

export interface Evaluation extends EvaluationInput {
  application_id: number;
  evaluator_id: number;
  submitted_at: string | null;
  updated_at: string;
}

export interface EvaluationList {
  items: Evaluation[];
  others_visible: boolean;
  aggregate?: { score: number | null; sheets: number; min: number; max: number; stddev: number };
}

export interface EvaluationQueue {
  criteria: Criterion[];
  state: CallState;
  items: (Application & { my_evaluation: Evaluation | null })[];
}

export interface Ranking {
  aggregation: 'mean' | 'median';
  evaluators: number;
  items: {
    rank: number;
    application_id: number;
    title: string;
    category: ProjectCategory;
    organisation_id: number;
    score: number | null;
    sheets: number;
    min: number;
    max: number;
    stddev: number;
    criteria: Record<string, number>;
    shortlisted: boolean;
  }[];
}
