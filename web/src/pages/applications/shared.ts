// What the applicants' pages share: loading an application and its call, submitting, the
// address of an attachment, and an application's needs and period with their defaults.

import { api, href } from '../../api/client';
import type { Application } from '../../api/types';
import { t } from '../../i18n';
import { period } from '../calls/parts';

// The warnings of a submission, shown once on the application's page after navigating there.
export const submitted = new Map<number, string[]>();

export const getApplication = (ws: string, id: number) =>
  api('get', '/api/v1/workspaces/{workspace}/applications/{application}', { path: { workspace: ws, application: id } });

export const getCall = (ws: string, id: number) =>
  api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: { workspace: ws, call: id } });

export const submitApplication = (ws: string, id: number) =>
  api('post', '/api/v1/workspaces/{workspace}/applications/{application}/submit', { path: { workspace: ws, application: id } });

export const attachmentHref = (ws: string, application: number, attachment: number) =>
  href('/api/v1/workspaces/{workspace}/applications/{application}/attachments/{attachment}', { path: { workspace: ws, application, attachment } });

// What the application needs; what it leaves out is not needed.
export function needsOf(a: Application) {
  const n = a.needs ?? {};
  const u = n.utilities ?? {};
  return {
    min_area_m2: n.min_area_m2 ?? null,
    max_area_m2: n.max_area_m2 ?? null,
    setting: n.setting ?? 'either',
    utilities: { water: !!u.water, electricity: !!u.electricity, heating: !!u.heating, internet: !!u.internet },
    step_free_access: !!n.step_free_access,
  };
}

// The period asked for: fixed dates, or a duration within a window.
export function periodText(a: Pick<Application, 'period'>): string {
  const p = a.period ?? {};
  return p.duration_days != null
    ? t('application.flexible_text', { days: p.duration_days, window: period(p.earliest_start, p.latest_end) })
    : period(p.start, p.end);
}
