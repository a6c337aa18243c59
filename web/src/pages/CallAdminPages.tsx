// The officers' back office of calls for temporary use: the list of the workspace's calls, the
// form that writes a call (spaces with their period and capacity, criteria, eligibility,
// documents, dates, fee, matching settings), and the page that runs one call: its state, its
// jury, the applications with their eligibility verdicts, the ranking and the shortlist.

import { useEffect, useState } from 'preact/hooks';
import {
  api, ApiError, FEE_MODELS, ORGANISATION_TYPES, PROJECT_CATEGORIES,
  type Application, type Call, type CallInput, type CallState, type Criterion, type FeeModel, type OrganisationType, type ProjectCategory,
} from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle, useLoad } from '../hooks';
import { formatArea, formatDate, formatNumber, t } from '../i18n';
import { navigate, paths } from '../router';
import { isStaff, useSession } from '../session';
import { ActionMessages, CallStateBadge, eligibilityReason, fromLocalInput, Instant, lastDay, nextDay, offeredSpaces, score, toLocalInput, useAction } from './CallParts';

export function CallsAdminPage({ ws }: { ws: string }) {
  const calls = useLoad(() => api.calls(ws), [ws]);
  useDocumentTitle(t('calls_admin.title'));
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('calls_admin.title')}</h1>
      <p class="actions">
        <a class="button" href={paths.callNew(ws)}>{t('calls_admin.new')}</a>
        <a href={paths.calls(ws)}>{t('calls_admin.public_list')}</a>
      </p>
      {calls.error && <ErrorMessage error={calls.error} />}
      {calls.loading && !calls.data && <Loading />}
      {calls.data && calls.data.length === 0 && <p>{t('calls_admin.none')}</p>}
      {calls.data && calls.data.length > 0 && (
        <div class="table-scroll">
          <table class="admin-table">
            <caption class="visually-hidden">{t('calls_admin.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('call_form.title')}</th>
                <th scope="col">{t('call_manage.state')}</th>
                <th scope="col">{t('call.deadline')}</th>
                <th scope="col">{t('call.spaces')}</th>
                <th scope="col">{t('admin.updated')}</th>
              </tr>
            </thead>
            <tbody>
              {calls.data.map((c) => (
                <tr key={c.id}>
                  <td><a href={paths.callManage(ws, c.id)}>{c.title}</a></td>
                  <td><CallStateBadge state={c.state} /></td>
                  <td><Instant iso={c.closes_at} /></td>
                  <td>{formatNumber(c.spaces.length)}</td>
                  <td>{formatDate(c.updated_at, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// -- the call form

interface SpaceRow { space_id: number; name: string; from: string; last: string; capacity: string }
interface CriterionRow { key: string; label: string; description: string; weight: string; scale_min: string; scale_max: string }

interface CallForm {
  title: string;
  description: string;
  opens: string; // datetime-local
  closes: string;
  fee_model: FeeModel;
  fee_details: string;
  spaces: SpaceRow[];
  org_types: OrganisationType[];
  min_days: string;
  max_days: string;
  criteria: CriterionRow[];
  documents: string[];
  score_weight: string;
  area_weight: string;
  preference_weight: string;
  distance_weight: string;
  preferences_required: boolean;
  start_step_days: string;
  aggregation: 'mean' | 'median';
  time_limit: string;
  quotas: Record<ProjectCategory, string>;
}

const noQuotas = () => Object.fromEntries(PROJECT_CATEGORIES.map((c) => [c, ''])) as Record<ProjectCategory, string>;

function blankCall(): CallForm {
  return {
    title: '', description: '', opens: '', closes: '', fee_model: 'free', fee_details: '', spaces: [], org_types: [], min_days: '', max_days: '',
    criteria: [{ key: 'quality', label: '', description: '', weight: '1', scale_min: '0', scale_max: '10' }], documents: [],
    score_weight: '1', area_weight: '0.2', preference_weight: '0.3', distance_weight: '0', preferences_required: false,
    start_step_days: '7', aggregation: 'mean', time_limit: '20', quotas: noQuotas(),
  };
}

function formOfCall(c: Call): CallForm {
  const names = new Map(offeredSpaces(c).map((s) => [s.id, s.name]));
  const quotas = noQuotas();
  for (const [k, v] of Object.entries(c.matching.quotas ?? {})) quotas[k as ProjectCategory] = String(v);
  return {
    title: c.title, description: c.description, opens: toLocalInput(c.opens_at), closes: toLocalInput(c.closes_at),
    fee_model: c.fee_model, fee_details: c.fee_details,
    spaces: c.spaces.map((s) => ({ space_id: s.space_id, name: names.get(s.space_id) ?? `#${s.space_id}`, from: s.available_from, last: lastDay(s.available_to) ?? '', capacity: String(s.capacity) })),
    org_types: [...c.eligibility.organisation_types],
    min_days: c.eligibility.min_duration_days == null ? '' : String(c.eligibility.min_duration_days),
    max_days: c.eligibility.max_duration_days == null ? '' : String(c.eligibility.max_duration_days),
    criteria: c.criteria.map((k) => ({ key: k.key, label: k.label, description: k.description ?? '', weight: String(k.weight), scale_min: String(k.scale_min), scale_max: String(k.scale_max) })),
    documents: [...c.documents_required],
    score_weight: String(c.matching.score_weight), area_weight: String(c.matching.area_weight),
    preference_weight: String(c.matching.preference_weight), distance_weight: String(c.matching.distance_weight),
    preferences_required: c.matching.preferences_required, start_step_days: String(c.matching.start_step_days),
    aggregation: c.matching.aggregation, time_limit: String(c.matching.time_limit_seconds), quotas,
  };
}

const numOr = (s: string, fallback: number) => (s.trim() === '' ? fallback : Number(s.replace(',', '.')));
const numOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

function keyOf(label: string, i: number): string {
  const k = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
  return k || `criterion_${i + 1}`;
}

function bodyOfCall(f: CallForm): CallInput {
  return {
    title: f.title,
    description: f.description,
    spaces: f.spaces.map((s) => ({ space_id: s.space_id, available_from: s.from, available_to: s.last ? nextDay(s.last) : '', capacity: numOr(s.capacity, 1) })),
    eligibility: { organisation_types: f.org_types, min_duration_days: numOrNull(f.min_days), max_duration_days: numOrNull(f.max_days) },
    criteria: f.criteria.map((k, i) => ({
      key: k.key || keyOf(k.label, i), label: k.label, description: k.description,
      weight: numOr(k.weight, 1), scale_min: numOr(k.scale_min, 0), scale_max: numOr(k.scale_max, 10),
    })),
    documents_required: f.documents.map((d) => d.trim()).filter(Boolean),
    opens_at: fromLocalInput(f.opens),
    closes_at: fromLocalInput(f.closes),
    fee_model: f.fee_model,
    fee_details: f.fee_details,
    matching: {
      score_weight: numOr(f.score_weight, 1), area_weight: numOr(f.area_weight, 0), preference_weight: numOr(f.preference_weight, 0),
      distance_weight: numOr(f.distance_weight, 0), preferences_required: f.preferences_required, start_step_days: numOr(f.start_step_days, 7),
      aggregation: f.aggregation, time_limit_seconds: numOr(f.time_limit, 20),
      quotas: Object.fromEntries(PROJECT_CATEGORIES.map((c) => [c, numOr(f.quotas[c], 0)])),
    },
  };
}

export function CallFormPage({ ws, id }: { ws: string; id?: number }) {
  const existing = useLoad(() => (id ? api.call(ws, id) : Promise.resolve(null)), [ws, id]);
  const [form, setForm] = useState<CallForm>(blankCall);
  const action = useAction();
  const [query, setQuery] = useState('');
  useDocumentTitle(id ? t('call_form.edit') : t('call_form.new'));
  useEffect(() => {
    if (existing.data) setForm(formOfCall(existing.data));
  }, [existing.data?.id, existing.data?.version]);
  const found = useLoad(() => {
    const p = new URLSearchParams({ limit: '20', sort: 'name' });
    if (query.trim()) p.set('q', query.trim());
    return api.spaces(ws, p);
  }, [ws, query]);

  if (existing.error) return <ErrorMessage error={existing.error} />;
  if (id && !existing.data) return <Loading />;
  const c = existing.data;
  const set = <K extends keyof CallForm>(k: K, v: CallForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const input = (k: keyof CallForm) => (e: Event) => set(k, (e.target as HTMLInputElement).value as never);
  const fe = (ptr: string) => action.error?.fields.get(ptr);
  const invalid = (ptr: string) => (fe(ptr) ? { 'aria-invalid': true as const, 'aria-describedby': `cf-err${ptr.replace(/\//g, '-')}` } : {});
  const errorText = (ptr: string) => fe(ptr) && <p id={`cf-err${ptr.replace(/\//g, '-')}`} class="field-error">{fe(ptr)}</p>;
  const setRow = <T,>(list: T[], i: number, patch: Partial<T>) => list.map((r, j) => (j === i ? { ...r, ...patch } : r));
  const lastRow = form.spaces[form.spaces.length - 1];

  const save = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const body = bodyOfCall(form);
      if (!c) {
        const created = await api.createCall(ws, body);
        navigate(paths.callManage(ws, created.id));
        return;
      }
      // Only what changed: an open call refuses changes to its published rules.
      const before = bodyOfCall(formOfCall(c));
      const patch: Record<string, unknown> = {};
      for (const k of Object.keys(body) as (keyof CallInput)[]) {
        if (JSON.stringify(body[k]) !== JSON.stringify(before[k])) patch[k] = body[k];
      }
      if (Object.keys(patch).length === 0) return t('call_form.unchanged');
      await api.updateCall(ws, c.id, c.version, patch as Partial<CallInput>);
      existing.reload();
      return t('call_form.saved');
    });
  };

  return (
    <section class="call-form">
      <p class="breadcrumb"><a href={paths.callsAdmin(ws)}>{t('calls_admin.title')}</a>{c && <> › <a href={paths.callManage(ws, c.id)}>{c.title}</a></>}</p>
      <h1>{c ? t('call_form.edit_named', { title: c.title }) : t('call_form.new')}</h1>
      {c && c.state !== 'draft' && <p class="callout">{t('call_form.open_rules')}</p>}
      <form onSubmit={save} noValidate>
        <fieldset>
          <legend>{t('call_form.general')}</legend>
          <div class="field">
            <label for="cf-title">{t('call_form.title')}</label>
            <input id="cf-title" value={form.title} onInput={input('title')} maxLength={300} {...invalid('/title')} />
            {errorText('/title')}
          </div>
          <div class="field">
            <label for="cf-desc">{t('call_form.description')}</label>
            <textarea id="cf-desc" rows={5} value={form.description} onInput={input('description')} />
          </div>
          <div class="field-row">
            <div class="field">
              <label for="cf-opens">{t('call.opens')}</label>
              <input id="cf-opens" type="datetime-local" value={form.opens} onInput={input('opens')} aria-describedby="cf-tz" {...invalid('/opens_at')} />
              {errorText('/opens_at')}
            </div>
            <div class="field">
              <label for="cf-closes">{t('call.deadline')}</label>
              <input id="cf-closes" type="datetime-local" value={form.closes} onInput={input('closes')} aria-describedby="cf-tz" {...invalid('/closes_at')} />
              {errorText('/closes_at')}
            </div>
          </div>
          <p id="cf-tz" class="hint">{t('call_form.time_zone', { zone: Intl.DateTimeFormat().resolvedOptions().timeZone, utc: fromLocalInput(form.closes) ?? '–' })}</p>
          <div class="field-row">
            <div class="field">
              <label for="cf-fee">{t('call.fee_model')}</label>
              <select id="cf-fee" value={form.fee_model} onChange={input('fee_model')}>
                {FEE_MODELS.map((m) => <option key={m} value={m}>{t(`fee_model.${m}`)}</option>)}
              </select>
            </div>
            <div class="field">
              <label for="cf-fee-details">{t('call_form.fee_details')}</label>
              <input id="cf-fee-details" value={form.fee_details} onInput={input('fee_details')} />
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('call.spaces')}</legend>
          {errorText('/spaces')}
          {form.spaces.length > 0 && (
            <div class="table-scroll">
              <table data-testid="call-spaces">
                <caption class="visually-hidden">{t('call.spaces')}</caption>
                <thead><tr><th scope="col">{t('field.name')}</th><th scope="col">{t('call_form.available_from')}</th><th scope="col">{t('call_form.available_last')}</th><th scope="col">{t('call_form.capacity')}</th><th scope="col"><span class="visually-hidden">{t('admin.actions')}</span></th></tr></thead>
                <tbody>
                  {form.spaces.map((s, i) => (
                    <tr key={s.space_id}>
                      <td><a href={paths.space(ws, s.space_id)}>{s.name}</a>{errorText(`/spaces/${i}/space_id`)}</td>
                      <td><input type="date" aria-label={t('call_form.available_from_named', { name: s.name })} value={s.from} {...invalid(`/spaces/${i}/available_from`)}
                        onInput={(e) => set('spaces', setRow(form.spaces, i, { from: (e.target as HTMLInputElement).value }))} />{errorText(`/spaces/${i}/available_from`)}</td>
                      <td><input type="date" aria-label={t('call_form.available_last_named', { name: s.name })} value={s.last} {...invalid(`/spaces/${i}/available_to`)}
                        onInput={(e) => set('spaces', setRow(form.spaces, i, { last: (e.target as HTMLInputElement).value }))} />{errorText(`/spaces/${i}/available_to`)}</td>
                      <td><input class="short" inputMode="numeric" aria-label={t('call_form.capacity_named', { name: s.name })} value={s.capacity}
                        onInput={(e) => set('spaces', setRow(form.spaces, i, { capacity: (e.target as HTMLInputElement).value }))} /></td>
                      <td><button type="button" class="secondary" aria-label={t('call_form.remove_named', { name: s.name })} onClick={() => set('spaces', form.spaces.filter((_, j) => j !== i))}>{t('application.remove')}</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="field">
            <label for="cf-space-search">{t('call_form.find_space')}</label>
            <input id="cf-space-search" type="search" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} aria-describedby="cf-space-hint" />
            <p id="cf-space-hint" class="hint">{t('call_form.find_space_hint')}</p>
          </div>
          <ul class="found-spaces" aria-live="polite">
            {found.data?.items.filter((s) => !form.spaces.some((r) => r.space_id === s.id)).slice(0, 10).map((s) => (
              <li key={s.id}>
                <button type="button" class="secondary" aria-label={t('call_form.add_named', { name: s.name })}
                  onClick={() => set('spaces', [...form.spaces, { space_id: s.id, name: s.name, from: lastRow?.from ?? s.available_from ?? '', last: lastRow?.last ?? lastDay(s.available_to) ?? '', capacity: '1' }])}>
                  {t('call_form.add')}
                </button>{' '}
                {s.name} <span class="muted">· {t(`kind.${s.kind}`)} · {formatArea(s.area_m2)} · {t(`status.${s.status}`)}</span>
              </li>
            ))}
          </ul>
        </fieldset>

        <fieldset>
          <legend>{t('call_form.eligibility')}</legend>
          <fieldset class="checks">
            <legend>{t('call.eligible_organisations')}</legend>
            {ORGANISATION_TYPES.map((o) => (
              <label key={o}><input type="checkbox" checked={form.org_types.includes(o)}
                onChange={(e) => set('org_types', (e.target as HTMLInputElement).checked ? [...form.org_types, o] : form.org_types.filter((x) => x !== o))} /> {t(`org_type.${o}`)}</label>
            ))}
          </fieldset>
          <p class="hint">{t('call_form.any_type_hint')}</p>
          <div class="field-row">
            <div class="field">
              <label for="cf-min-days">{t('call_form.min_days')}</label>
              <input id="cf-min-days" inputMode="numeric" value={form.min_days} onInput={input('min_days')} {...invalid('/eligibility/min_duration_days')} />
              {errorText('/eligibility/min_duration_days')}
            </div>
            <div class="field">
              <label for="cf-max-days">{t('call_form.max_days')}</label>
              <input id="cf-max-days" inputMode="numeric" value={form.max_days} onInput={input('max_days')} {...invalid('/eligibility/max_duration_days')} />
              {errorText('/eligibility/max_duration_days')}
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('call.criteria')}</legend>
          {errorText('/criteria')}
          {form.criteria.map((k, i) => (
            <fieldset key={i} class="criterion">
              <legend>{t('call_form.criterion_n', { n: i + 1 })}</legend>
              <div class="field-row">
                <div class="field">
                  <label for={`cf-k-label-${i}`}>{t('call_form.criterion_label')}</label>
                  <input id={`cf-k-label-${i}`} value={k.label} {...invalid(`/criteria/${i}/label`)}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { label: (e.target as HTMLInputElement).value }))} />
                  {errorText(`/criteria/${i}/label`)}
                </div>
                <div class="field">
                  <label for={`cf-k-key-${i}`}>{t('call_form.criterion_key')}</label>
                  <input id={`cf-k-key-${i}`} value={k.key} placeholder={keyOf(k.label, i)} {...invalid(`/criteria/${i}/key`)}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { key: (e.target as HTMLInputElement).value }))} />
                  {errorText(`/criteria/${i}/key`)}
                </div>
                <div class="field">
                  <label for={`cf-k-weight-${i}`}>{t('call.weight')}</label>
                  <input id={`cf-k-weight-${i}`} class="short" inputMode="decimal" value={k.weight} {...invalid(`/criteria/${i}/weight`)}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { weight: (e.target as HTMLInputElement).value }))} />
                  {errorText(`/criteria/${i}/weight`)}
                </div>
                <div class="field">
                  <label for={`cf-k-min-${i}`}>{t('call_form.scale_min')}</label>
                  <input id={`cf-k-min-${i}`} class="short" inputMode="numeric" value={k.scale_min}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { scale_min: (e.target as HTMLInputElement).value }))} />
                </div>
                <div class="field">
                  <label for={`cf-k-max-${i}`}>{t('call_form.scale_max')}</label>
                  <input id={`cf-k-max-${i}`} class="short" inputMode="numeric" value={k.scale_max} {...invalid(`/criteria/${i}/scale_max`)}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { scale_max: (e.target as HTMLInputElement).value }))} />
                  {errorText(`/criteria/${i}/scale_max`)}
                </div>
              </div>
              <div class="field">
                <label for={`cf-k-desc-${i}`}>{t('call_form.criterion_description')}</label>
                <input id={`cf-k-desc-${i}`} value={k.description} onInput={(e) => set('criteria', setRow(form.criteria, i, { description: (e.target as HTMLInputElement).value }))} />
              </div>
              <button type="button" class="secondary" onClick={() => set('criteria', form.criteria.filter((_, j) => j !== i))}>{t('call_form.remove_criterion', { n: i + 1 })}</button>
            </fieldset>
          ))}
          <button type="button" class="secondary" onClick={() => set('criteria', [...form.criteria, { key: '', label: '', description: '', weight: '1', scale_min: '0', scale_max: '10' }])}>{t('call_form.add_criterion')}</button>
        </fieldset>

        <fieldset>
          <legend>{t('call.documents')}</legend>
          {form.documents.map((d, i) => (
            <div class="inline-form" key={i}>
              <label for={`cf-doc-${i}`}>{t('call_form.document_n', { n: i + 1 })}</label>
              <input id={`cf-doc-${i}`} value={d} {...invalid(`/documents_required/${i}`)} onInput={(e) => set('documents', form.documents.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))} />
              <button type="button" class="secondary" onClick={() => set('documents', form.documents.filter((_, j) => j !== i))} aria-label={t('call_form.remove_document', { n: i + 1 })}>{t('application.remove')}</button>
              {errorText(`/documents_required/${i}`)}
            </div>
          ))}
          <button type="button" class="secondary" onClick={() => set('documents', [...form.documents, ''])}>{t('call_form.add_document')}</button>
        </fieldset>

        <fieldset>
          <legend>{t('call_form.matching')}</legend>
          <p class="hint">{t('call_form.matching_hint')}</p>
          <div class="field-row">
            {(['score_weight', 'area_weight', 'preference_weight', 'distance_weight'] as const).map((k) => (
              <div class="field" key={k}>
                <label for={`cf-${k}`}>{t(`call_form.${k}`)}</label>
                <input id={`cf-${k}`} class="short" inputMode="decimal" value={form[k]} onInput={input(k)} {...invalid(`/matching/${k}`)} />
                {errorText(`/matching/${k}`)}
              </div>
            ))}
          </div>
          <label><input type="checkbox" checked={form.preferences_required} onChange={(e) => set('preferences_required', (e.target as HTMLInputElement).checked)} /> {t('call_form.preferences_required')}</label>
          <div class="field-row">
            <div class="field">
              <label for="cf-step">{t('call_form.start_step_days')}</label>
              <input id="cf-step" class="short" inputMode="numeric" value={form.start_step_days} onInput={input('start_step_days')} {...invalid('/matching/start_step_days')} />
            </div>
            <div class="field">
              <label for="cf-agg">{t('call_form.aggregation')}</label>
              <select id="cf-agg" value={form.aggregation} onChange={input('aggregation')}>
                <option value="mean">{t('call_form.mean')}</option>
                <option value="median">{t('call_form.median')}</option>
              </select>
            </div>
            <div class="field">
              <label for="cf-time">{t('call_form.time_limit')}</label>
              <input id="cf-time" class="short" inputMode="decimal" value={form.time_limit} onInput={input('time_limit')} {...invalid('/matching/time_limit_seconds')} />
            </div>
          </div>
          <fieldset>
            <legend>{t('call_form.quotas')}</legend>
            <div class="field-row">
              {PROJECT_CATEGORIES.map((k) => (
                <div class="field" key={k}>
                  <label for={`cf-q-${k}`}>{t(`category.${k}`)}</label>
                  <input id={`cf-q-${k}`} class="short" inputMode="numeric" value={form.quotas[k]} {...invalid(`/matching/quotas/${k}`)}
                    onInput={(e) => set('quotas', { ...form.quotas, [k]: (e.target as HTMLInputElement).value })} />
                </div>
              ))}
            </div>
          </fieldset>
        </fieldset>

        <div class="actions">
          <button type="submit" disabled={action.busy}>{c ? t('call_form.save') : t('call_form.create')}</button>
          {c && <a href={paths.callManage(ws, c.id)}>{t('common.cancel')}</a>}
        </div>
      </form>
      <ActionMessages action={action} fields />
    </section>
  );
}

// -- one call: state, jury, applications, ranking

const NEXT: Partial<Record<CallState, CallState>> = { draft: 'open', open: 'closed', closed: 'evaluating' };

export function CallManagePage({ ws, id }: { ws: string; id: number }) {
  const call = useLoad(() => api.call(ws, id), [ws, id]);
  const apps = useLoad(() => api.callApplications(ws, id), [ws, id, call.data?.state]);
  const orgs = useLoad(() => api.organisations(ws), [ws]);
  const action = useAction();
  useDocumentTitle(call.data?.title ?? t('calls_admin.title'));
  if (call.error) return <ErrorMessage error={call.error} />;
  if (!call.data) return <Loading />;
  const c = call.data;
  const orgName = (oid: number) => orgs.data?.find((o) => o.id === oid)?.name ?? `#${oid}`;
  const next = NEXT[c.state];

  const transition = (to: CallState) => action.run(async () => {
    await api.transitionCall(ws, c.id, to);
    call.reload();
    return t('call_manage.now', { state: t(`call_state.${to}`) });
  });

  return (
    <section class="call-manage">
      <p class="breadcrumb"><a href={paths.callsAdmin(ws)}>{t('calls_admin.title')}</a></p>
      <h1>{c.title}</h1>
      <p class="meta"><CallStateBadge state={c.state} /></p>
      <p class="actions">
        {c.state !== 'draft' && <a href={paths.call(ws, c.id)}>{t('call_manage.public_page')}</a>}
        {(c.state === 'draft' || c.state === 'open') && <a class="button secondary" href={paths.callEdit(ws, c.id)}>{t('call_manage.edit')}</a>}
        {(c.state === 'evaluating' || c.state === 'decided') && <a class="button secondary" href={paths.callMatching(ws, c.id)}>{t('call_manage.matching')}</a>}
        {next && <button type="button" disabled={action.busy} onClick={() => transition(next)}>{next === 'open' ? t('call_manage.to_open') : next === 'closed' ? t('call_manage.to_closed') : t('call_manage.to_evaluating')}</button>}
      </p>
      <ActionMessages action={action} fields />
      <dl class="details">
        <div><dt>{t('call.opens')}</dt><dd><Instant iso={c.opens_at} /></dd></div>
        <div><dt>{t('call.deadline')}</dt><dd><Instant iso={c.closes_at} /></dd></div>
        <div><dt>{t('call.spaces')}</dt><dd>{offeredSpaces(c).map((s) => s.name).join(', ') || '–'}</dd></div>
        <div><dt>{t('call.criteria')}</dt><dd>{c.criteria.map((k) => `${k.label} (${formatNumber(k.weight, 2)})`).join(', ') || '–'}</dd></div>
        <div><dt>{t('call.documents')}</dt><dd>{c.documents_required.join(', ') || '–'}</dd></div>
      </dl>

      {c.state !== 'decided' && <Evaluators ws={ws} call={c} onSaved={() => call.reload()} />}

      {c.state !== 'draft' && (
        <section aria-labelledby="apps-heading">
          <h2 id="apps-heading">{t('call_manage.applications')}</h2>
          {apps.error && <ErrorMessage error={apps.error} />}
          {apps.data && apps.data.length === 0 && <p>{t('call_manage.no_applications')}</p>}
          {apps.data && apps.data.length > 0 && (
            <div class="table-scroll">
              <table data-testid="applications">
                <caption class="visually-hidden">{t('call_manage.applications')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('application.title_field')}</th>
                    <th scope="col">{t('application.organisation')}</th>
                    <th scope="col">{t('application.status')}</th>
                    <th scope="col">{t('application.submitted_at')}</th>
                    <th scope="col">{t('application.eligibility')}</th>
                  </tr>
                </thead>
                <tbody>
                  {apps.data.map((a) => (
                    <tr key={a.id}>
                      <td><a href={paths.application(ws, a.id)}>{a.title}</a></td>
                      <td>{orgName(a.organisation_id)}</td>
                      <td>{t(`application_status.${a.status}`)}</td>
                      <td>{formatDate(a.submitted_at, true)}</td>
                      <td><EligibilityCell ws={ws} call={c} app={a} onSaved={() => apps.reload()} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}

      {(c.state === 'evaluating' || c.state === 'decided') && <RankingSection ws={ws} call={c} />}
    </section>
  );
}

// The verdict of the rules, and the officer's confirmation or overruling with reason codes.
function EligibilityCell({ ws, call, app, onSaved }: { ws: string; call: Call; app: Application; onSaved: () => void }) {
  const e = app.eligibility;
  const codes = ['organisation_type', 'duration_too_short', 'duration_too_long', 'period_outside_call',
    ...call.documents_required.map((d) => `document_missing:${d}`), 'no_ranked_space', 'other'];
  const [verdict, setVerdict] = useState<'eligible' | 'ineligible'>(e.status === 'ineligible' ? 'ineligible' : 'eligible');
  const [reasons, setReasons] = useState<string[]>(e.reasons);
  const [note, setNote] = useState(e.note);
  const action = useAction();
  const editable = app.status === 'submitted' && (call.state === 'closed' || call.state === 'evaluating');
  const save = (ev: Event) => {
    ev.preventDefault();
    action.run(async () => {
      await api.setEligibility(ws, app.id, verdict === 'eligible' ? { status: 'eligible', note } : { status: 'ineligible', reasons, note });
      onSaved();
      return t('call_manage.eligibility_saved');
    });
  };
  const pid = `el-${app.id}`;
  return (
    <div data-testid={`eligibility-${app.id}`}>
      <strong>{t(`eligibility_status.${e.status}`)}</strong>
      {e.by_officer && <span class="muted"> · {t('application.by_officer')}</span>}
      {e.reasons.length > 0 && <ul class="reasons">{e.reasons.map((r) => <li key={r}>{eligibilityReason(r)}</li>)}</ul>}
      {e.note && <p class="hint">{e.note}</p>}
      {editable && (
        <details>
          <summary>{t('call_manage.review_eligibility', { title: app.title })}</summary>
          <form onSubmit={save}>
            <fieldset class="checks">
              <legend>{t('call_manage.verdict')}</legend>
              <label><input type="radio" name={`${pid}-v`} checked={verdict === 'eligible'} onChange={() => setVerdict('eligible')} /> {t('eligibility_status.eligible')}</label>
              <label><input type="radio" name={`${pid}-v`} checked={verdict === 'ineligible'} onChange={() => setVerdict('ineligible')} /> {t('eligibility_status.ineligible')}</label>
            </fieldset>
            {verdict === 'ineligible' && (
              <fieldset>
                <legend>{t('call_manage.reasons')}</legend>
                {codes.map((code) => (
                  <label key={code} class="block"><input type="checkbox" checked={reasons.includes(code)}
                    onChange={(ev) => setReasons((ev.target as HTMLInputElement).checked ? [...reasons, code] : reasons.filter((r) => r !== code))} /> {eligibilityReason(code)}</label>
                ))}
              </fieldset>
            )}
            <div class="field">
              <label for={`${pid}-note`}>{t('call_manage.note')}</label>
              <input id={`${pid}-note`} value={note} onInput={(ev) => setNote((ev.target as HTMLInputElement).value)} />
            </div>
            <button type="submit" disabled={action.busy}>{t('call_manage.save_verdict')}</button>
            <ActionMessages action={action} />
          </form>
        </details>
      )}
    </div>
  );
}

// The jury: members of the workspace chosen by e-mail when the officer may list them (the
// workspace's administrators may); otherwise by account number.
function Evaluators({ ws, call, onSaved }: { ws: string; call: Call; onSaved: () => void }) {
  const me = useSession();
  const admin = isStaff(me, ws, true);
  // Administrators get the workspace's members as suggestions; anyone on the staff may type the
  // e-mail address of a registered account, which the server turns into the account.
  const members = useLoad(() => (admin ? api.members(ws) : Promise.resolve(null)), [ws, admin]);
  const [choice, setChoice] = useState('');
  const action = useAction();
  const current = (call.evaluators ?? []) as number[];
  const label = (uid: number) => {
    const m = call.jury?.find((x) => x.user_id === uid);
    return m ? (m.display_name ? `${m.display_name} <${m.email}>` : m.email) : t('call_manage.account_n', { n: uid });
  };
  const save = (list: Array<number | string>) => action.run(async () => {
    await api.updateCall(ws, call.id, call.version, { evaluators: list });
    setChoice('');
    onSaved();
    return t('call_manage.jury_saved');
  });
  const add = (e: Event) => {
    e.preventDefault();
    const raw = choice.trim();
    if (!raw.includes('@')) {
      action.run(() => Promise.reject(new ApiError(400, t('call_manage.unknown_evaluator', { value: raw }))));
      return;
    }
    if (!call.jury?.some((m) => m.email.toLowerCase() === raw.toLowerCase())) save([...current, raw]);
  };
  return (
    <section aria-labelledby="jury-heading">
      <h2 id="jury-heading">{t('call_manage.jury')}</h2>
      {current.length === 0 ? <p>{t('call_manage.no_jury')}</p> : (
        <ul data-testid="jury">
          {current.map((uid) => (
            <li key={uid}>{label(uid)}{' '}
              <button type="button" class="link-button" onClick={() => save(current.filter((x) => x !== uid))} aria-label={t('call_manage.remove_evaluator', { name: label(uid) })}>{t('application.remove')}</button>
            </li>
          ))}
        </ul>
      )}
      <form class="inline-form" onSubmit={add}>
        <label for="jury-add">{t('call_manage.evaluator_email')}</label>
        <input id="jury-add" type="email" list={members.data ? 'jury-members' : undefined} value={choice} onInput={(e) => setChoice((e.target as HTMLInputElement).value)}
          aria-describedby="jury-hint" />
        {members.data && (
          <datalist id="jury-members">
            {members.data.filter((m) => !current.includes(m.user_id)).map((m) => <option key={m.user_id} value={m.email}>{m.display_name}</option>)}
          </datalist>
        )}
        <button type="submit" class="secondary">{t('call_manage.add_evaluator')}</button>
      </form>
      <p id="jury-hint" class="hint">{t('call_manage.evaluator_email_hint')}</p>
      <ActionMessages action={action} />
    </section>
  );
}

function RankingSection({ ws, call }: { ws: string; call: Call }) {
  const ranking = useLoad(() => api.ranking(ws, call.id), [ws, call.id, call.version]);
  const action = useAction();
  const shortlist = (appId: number, on: boolean) => action.run(async () => {
    await api.setShortlisted(ws, appId, on);
    ranking.reload();
  });
  return (
    <section aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{t('call_manage.ranking')}</h2>
      {ranking.data && <p class="hint">{t('call_manage.ranking_hint', { aggregation: t(`call_form.${ranking.data.aggregation}`), evaluators: ranking.data.evaluators })}</p>}
      {ranking.error && <ErrorMessage error={ranking.error} />}
      <ActionMessages action={action} />
      {ranking.data && ranking.data.items.length === 0 && <p>{t('call_manage.no_ranking')}</p>}
      {ranking.data && ranking.data.items.length > 0 && (
        <div class="table-scroll">
          <table data-testid="ranking">
            <caption class="visually-hidden">{t('call_manage.ranking')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('call_manage.rank')}</th>
                <th scope="col">{t('application.title_field')}</th>
                <th scope="col">{t('call_manage.score')}</th>
                <th scope="col">{t('call_manage.sheets')}</th>
                <th scope="col">{t('call_manage.spread')}</th>
                {call.criteria.map((k) => <th scope="col" key={k.key}>{k.label}</th>)}
                <th scope="col">{t('call_manage.shortlisted')}</th>
              </tr>
            </thead>
            <tbody>
              {ranking.data.items.map((r) => (
                <tr key={r.application_id}>
                  <td>{r.rank}</td>
                  <td><a href={paths.application(ws, r.application_id)}>{r.title}</a> <span class="muted">· {t(`category.${r.category}`)}</span></td>
                  <td>{score(r.score)}</td>
                  <td>{r.sheets}</td>
                  <td>{r.sheets > 0 ? t('call_manage.spread_value', { min: score(r.min), max: score(r.max), sd: score(r.stddev) }) : '–'}</td>
                  {call.criteria.map((k: Criterion) => <td key={k.key}>{r.criteria?.[k.key] == null ? '–' : formatNumber(r.criteria[k.key], 1)}</td>)}
                  <td>
                    <label>
                      <input type="checkbox" checked={r.shortlisted} disabled={call.state !== 'evaluating' || action.busy} onChange={(e) => shortlist(r.application_id, (e.target as HTMLInputElement).checked)} />
                      <span class="visually-hidden">{t('call_manage.shortlist_named', { title: r.title })}</span>
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">{t('call_manage.shortlist_hint')}</p>
    </section>
  );
}
