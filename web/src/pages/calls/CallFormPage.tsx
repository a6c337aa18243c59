// The form that writes a call for temporary use: the spaces with their period and capacity,
// the criteria, eligibility, documents, dates, fee and matching settings.

import { useEffect, useState } from 'preact/hooks';
import { api, ifMatch } from '../../api/client';
import { FEE_MODELS, ORGANISATION_TYPES, PROJECT_CATEGORIES } from '../../api/enums';
import type { Call, CallInput, CallPatch, FeeModel, OrganisationType, ProjectCategory } from '../../api/types';
import { FieldError, invalidProps } from '../../components/Field';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { Table } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatArea, t } from '../../i18n';
import { navigate, paths } from '../../router';
import { fromLocalInput, lastDay, nextDay, offeredSpaces, toLocalInput } from './parts';


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

// The form of a call; what the call leaves out keeps the blank form's value.
function formOfCall(c: Call): CallForm {
  const blank = blankCall();
  const names = new Map(offeredSpaces(c).map((s) => [s.id, s.name]));
  const quotas = noQuotas();
  const m = c.matching ?? {};
  const e = c.eligibility ?? {};
  const text = (v: number | undefined, fallback: string) => (v == null ? fallback : String(v));
  for (const [k, v] of Object.entries(m.quotas ?? {})) quotas[k as ProjectCategory] = String(v);
  return {
    title: c.title, description: c.description ?? '', opens: toLocalInput(c.opens_at), closes: toLocalInput(c.closes_at),
    fee_model: c.fee_model ?? blank.fee_model, fee_details: c.fee_details ?? '',
    spaces: c.spaces.map((s) => ({ space_id: s.space_id, name: names.get(s.space_id) ?? `#${s.space_id}`, from: s.available_from, last: lastDay(s.available_to) ?? '', capacity: String(s.capacity) })),
    org_types: [...(e.organisation_types ?? [])],
    min_days: e.min_duration_days == null ? '' : String(e.min_duration_days),
    max_days: e.max_duration_days == null ? '' : String(e.max_duration_days),
    criteria: c.criteria.map((k) => ({ key: k.key, label: k.label, description: k.description ?? '', weight: String(k.weight), scale_min: String(k.scale_min), scale_max: String(k.scale_max) })),
    documents: [...(c.documents_required ?? [])],
    score_weight: text(m.score_weight, blank.score_weight), area_weight: text(m.area_weight, blank.area_weight),
    preference_weight: text(m.preference_weight, blank.preference_weight), distance_weight: text(m.distance_weight, blank.distance_weight),
    preferences_required: m.preferences_required ?? false, start_step_days: text(m.start_step_days, blank.start_step_days),
    aggregation: m.aggregation ?? blank.aggregation, time_limit: text(m.time_limit_seconds, blank.time_limit), quotas,
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
  const existing = useLoad(() => (id ? api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: { workspace: ws, call: id } }) : Promise.resolve(null)), [ws, id]);
  const [form, setForm] = useState<CallForm>(blankCall);
  const action = useAction();
  const [query, setQuery] = useState('');
  useDocumentTitle(id ? t('call_form.edit') : t('call_form.new'));
  useEffect(() => {
    if (existing.data) setForm(formOfCall(existing.data));
  }, [existing.data?.id, existing.data?.version]);
  const found = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/spaces', {
    path: { workspace: ws }, query: { limit: 20, sort: 'name', q: query.trim() || undefined },
  }), [ws, query]);

  if (existing.error) return <ErrorMessage error={existing.error} />;
  if (id && !existing.data) return <Loading />;
  const c = existing.data;
  const set = <K extends keyof CallForm>(k: K, v: CallForm[K]) => setForm((f) => ({ ...f, [k]: v }));
  const input = (k: keyof CallForm) => (e: Event) => set(k, (e.target as HTMLInputElement).value as never);
  const fe = (ptr: string) => action.fields.get(ptr);
  const setRow = <T,>(list: T[], i: number, patch: Partial<T>) => list.map((r, j) => (j === i ? { ...r, ...patch } : r));
  const lastRow = form.spaces[form.spaces.length - 1];

  const save = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const body = bodyOfCall(form);
      if (!c) {
        const created = await api('post', '/api/v1/workspaces/{workspace}/calls', { path: { workspace: ws }, body });
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
      await api('patch', '/api/v1/workspaces/{workspace}/calls/{call}', { path: { workspace: ws, call: c.id }, header: ifMatch(c.version), body: patch as CallPatch });
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
            <input id="cf-title" value={form.title} onInput={input('title')} maxLength={300} {...invalidProps("cf-title", fe('/title'))} />
            <FieldError id="cf-title" error={fe('/title')} />
          </div>
          <div class="field">
            <label for="cf-desc">{t('call_form.description')}</label>
            <textarea id="cf-desc" rows={5} value={form.description} onInput={input('description')} />
          </div>
          <div class="field-row">
            <div class="field">
              <label for="cf-opens">{t('call.opens')}</label>
              <input id="cf-opens" type="datetime-local" value={form.opens} onInput={input('opens')} {...invalidProps("cf-opens", fe('/opens_at'), 'cf-tz')} />
              <FieldError id="cf-opens" error={fe('/opens_at')} />
            </div>
            <div class="field">
              <label for="cf-closes">{t('call.deadline')}</label>
              <input id="cf-closes" type="datetime-local" value={form.closes} onInput={input('closes')} {...invalidProps("cf-closes", fe('/closes_at'), 'cf-tz')} />
              <FieldError id="cf-closes" error={fe('/closes_at')} />
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
          <FieldError id="cf-spaces" error={fe('/spaces')} />
          {form.spaces.length > 0 && (
            <Table<SpaceRow> caption={t('call.spaces')} testId="call-spaces" rows={form.spaces} rowKey={(s) => s.space_id} columns={[
              { header: t('field.name'), cell: (s, i) => (
                <><a href={paths.space(ws, s.space_id)}>{s.name}</a><FieldError id={`cf-space-${i}`} error={fe(`/spaces/${i}/space_id`)} /></>
              ) },
              { header: t('call_form.available_from'), cell: (s, i) => (
                <>
                  <input id={`cf-space-${i}-from`} type="date" aria-label={t('call_form.available_from_named', { name: s.name })} value={s.from}
                    {...invalidProps(`cf-space-${i}-from`, fe(`/spaces/${i}/available_from`))}
                    onInput={(e) => set('spaces', setRow(form.spaces, i, { from: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-space-${i}-from`} error={fe(`/spaces/${i}/available_from`)} />
                </>
              ) },
              { header: t('call_form.available_last'), cell: (s, i) => (
                <>
                  <input id={`cf-space-${i}-last`} type="date" aria-label={t('call_form.available_last_named', { name: s.name })} value={s.last}
                    {...invalidProps(`cf-space-${i}-last`, fe(`/spaces/${i}/available_to`))}
                    onInput={(e) => set('spaces', setRow(form.spaces, i, { last: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-space-${i}-last`} error={fe(`/spaces/${i}/available_to`)} />
                </>
              ) },
              { header: t('call_form.capacity'), cell: (s, i) => (
                <>
                  <input id={`cf-space-${i}-capacity`} class="short" inputMode="numeric" aria-label={t('call_form.capacity_named', { name: s.name })} value={s.capacity}
                    {...invalidProps(`cf-space-${i}-capacity`, fe(`/spaces/${i}/capacity`))}
                    onInput={(e) => set('spaces', setRow(form.spaces, i, { capacity: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-space-${i}-capacity`} error={fe(`/spaces/${i}/capacity`)} />
                </>
              ) },
              { header: t('admin.actions'), hiddenHeader: true, cell: (s, i) => (
                <button type="button" class="secondary" aria-label={t('call_form.remove_named', { name: s.name })}
                  onClick={() => set('spaces', form.spaces.filter((_, j) => j !== i))}>{t('application.remove')}</button>
              ) },
            ]} />
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
              <input id="cf-min-days" inputMode="numeric" value={form.min_days} onInput={input('min_days')} {...invalidProps("cf-min-days", fe('/eligibility/min_duration_days'))} />
              <FieldError id="cf-min-days" error={fe('/eligibility/min_duration_days')} />
            </div>
            <div class="field">
              <label for="cf-max-days">{t('call_form.max_days')}</label>
              <input id="cf-max-days" inputMode="numeric" value={form.max_days} onInput={input('max_days')} {...invalidProps("cf-max-days", fe('/eligibility/max_duration_days'))} />
              <FieldError id="cf-max-days" error={fe('/eligibility/max_duration_days')} />
            </div>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('call.criteria')}</legend>
          <FieldError id="cf-criteria" error={fe('/criteria')} />
          {form.criteria.map((k, i) => (
            <fieldset key={i} class="criterion">
              <legend>{t('call_form.criterion_n', { n: i + 1 })}</legend>
              <div class="field-row">
                <div class="field">
                  <label for={`cf-k-label-${i}`}>{t('call_form.criterion_label')}</label>
                  <input id={`cf-k-label-${i}`} value={k.label} {...invalidProps(`cf-k-label-${i}`, fe(`/criteria/${i}/label`))}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { label: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-k-label-${i}`} error={fe(`/criteria/${i}/label`)} />
                </div>
                <div class="field">
                  <label for={`cf-k-key-${i}`}>{t('call_form.criterion_key')}</label>
                  <input id={`cf-k-key-${i}`} value={k.key} placeholder={keyOf(k.label, i)} {...invalidProps(`cf-k-key-${i}`, fe(`/criteria/${i}/key`))}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { key: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-k-key-${i}`} error={fe(`/criteria/${i}/key`)} />
                </div>
                <div class="field">
                  <label for={`cf-k-weight-${i}`}>{t('call.weight')}</label>
                  <input id={`cf-k-weight-${i}`} class="short" inputMode="decimal" value={k.weight} {...invalidProps(`cf-k-weight-${i}`, fe(`/criteria/${i}/weight`))}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { weight: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-k-weight-${i}`} error={fe(`/criteria/${i}/weight`)} />
                </div>
                <div class="field">
                  <label for={`cf-k-min-${i}`}>{t('call_form.scale_min')}</label>
                  <input id={`cf-k-min-${i}`} class="short" inputMode="numeric" value={k.scale_min}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { scale_min: (e.target as HTMLInputElement).value }))} />
                </div>
                <div class="field">
                  <label for={`cf-k-max-${i}`}>{t('call_form.scale_max')}</label>
                  <input id={`cf-k-max-${i}`} class="short" inputMode="numeric" value={k.scale_max} {...invalidProps(`cf-k-max-${i}`, fe(`/criteria/${i}/scale_max`))}
                    onInput={(e) => set('criteria', setRow(form.criteria, i, { scale_max: (e.target as HTMLInputElement).value }))} />
                  <FieldError id={`cf-k-max-${i}`} error={fe(`/criteria/${i}/scale_max`)} />
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
              <input id={`cf-doc-${i}`} value={d} {...invalidProps(`cf-doc-${i}`, fe(`/documents_required/${i}`))} onInput={(e) => set('documents', form.documents.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))} />
              <button type="button" class="secondary" onClick={() => set('documents', form.documents.filter((_, j) => j !== i))} aria-label={t('call_form.remove_document', { n: i + 1 })}>{t('application.remove')}</button>
              <FieldError id={`cf-doc-${i}`} error={fe(`/documents_required/${i}`)} />
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
                <input id={`cf-${k}`} class="short" inputMode="decimal" value={form[k]} onInput={input(k)} {...invalidProps(`cf-${k}`, fe(`/matching/${k}`))} />
                <FieldError id={`cf-${k}`} error={fe(`/matching/${k}`)} />
              </div>
            ))}
          </div>
          <label><input type="checkbox" checked={form.preferences_required} onChange={(e) => set('preferences_required', (e.target as HTMLInputElement).checked)} /> {t('call_form.preferences_required')}</label>
          <div class="field-row">
            <div class="field">
              <label for="cf-step">{t('call_form.start_step_days')}</label>
              <input id="cf-step" class="short" inputMode="numeric" value={form.start_step_days} onInput={input('start_step_days')} {...invalidProps("cf-step", fe('/matching/start_step_days'))} />
              <FieldError id="cf-step" error={fe('/matching/start_step_days')} />
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
              <input id="cf-time" class="short" inputMode="decimal" value={form.time_limit} onInput={input('time_limit')} {...invalidProps("cf-time", fe('/matching/time_limit_seconds'))} />
              <FieldError id="cf-time" error={fe('/matching/time_limit_seconds')} />
            </div>
          </div>
          <fieldset>
            <legend>{t('call_form.quotas')}</legend>
            <div class="field-row">
              {PROJECT_CATEGORIES.map((k) => (
                <div class="field" key={k}>
                  <label for={`cf-q-${k}`}>{t(`category.${k}`)}</label>
                  <input id={`cf-q-${k}`} class="short" inputMode="numeric" value={form.quotas[k]} {...invalidProps(`cf-q-${k}`, fe(`/matching/quotas/${k}`))}
                    onInput={(e) => set('quotas', { ...form.quotas, [k]: (e.target as HTMLInputElement).value })} />
                  <FieldError id={`cf-q-${k}`} error={fe(`/matching/quotas/${k}`)} />
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

