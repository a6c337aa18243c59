// An applicant's form for a call: a new application, or a draft being completed with the
// documents the call asks for.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ifMatch } from '../../api/client';
import { PROJECT_CATEGORIES, SETTINGS, UTILITIES } from '../../api/enums';
import type { Application, ApplicationInput, OrganisationRef, ProjectCategory, Setting, Utility } from '../../api/types';
import { FieldError, invalidProps } from '../../components/Field';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { SignInPrompt } from '../../components/StaffOnly';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatArea, formatNumber, t } from '../../i18n';
import { navigate, paths } from '../../router';
import { useSession } from '../../session';
import { Instant, lastDay, nextDay, offeredSpaces, period, useMe } from '../calls/parts';
import { attachmentHref, getApplication, getCall, needsOf, submitApplication, submitted } from './shared';

interface FormState {
  organisation_id: string;
  title: string;
  description: string;
  category: ProjectCategory;
  min_area: string;
  max_area: string;
  setting: Setting;
  utilities: Record<Utility, boolean>;
  step_free: boolean;
  flexible: boolean;
  start: string;
  last: string; // inclusive last day; the API takes the exclusive end
  duration: string;
  earliest: string;
  latest: string; // inclusive
  preferred: number[];
  impact: string;
  team: string;
  budget: string;
}

function emptyForm(): FormState {
  return {
    organisation_id: '', title: '', description: '', category: 'culture', min_area: '', max_area: '', setting: 'either',
    utilities: { water: false, electricity: false, heating: false, internet: false }, step_free: false,
    flexible: false, start: '', last: '', duration: '', earliest: '', latest: '', preferred: [], impact: '', team: '', budget: '',
  };
}

function formOf(a: Application): FormState {
  const p = a.period ?? {};
  const needs = needsOf(a);
  return {
    organisation_id: String(a.organisation_id), title: a.title, description: a.description ?? '', category: a.category ?? 'culture',
    min_area: needs.min_area_m2 == null ? '' : String(needs.min_area_m2),
    max_area: needs.max_area_m2 == null ? '' : String(needs.max_area_m2),
    setting: needs.setting, utilities: { ...needs.utilities }, step_free: needs.step_free_access,
    flexible: p.duration_days != null, start: p.start ?? '', last: lastDay(p.end) ?? '', duration: p.duration_days == null ? '' : String(p.duration_days),
    earliest: p.earliest_start ?? '', latest: lastDay(p.latest_end) ?? '', preferred: [...(a.preferred_spaces ?? [])],
    impact: a.expected_impact ?? '', team: a.team ?? '', budget: a.budget_eur == null ? '' : String(a.budget_eur),
  };
}

const num = (s: string): number | null => (s.trim() === '' ? null : Number(s.replace(',', '.')));

function bodyOf(f: FormState): Omit<ApplicationInput, 'organisation_id'> {
  return {
    title: f.title,
    description: f.description,
    category: f.category,
    needs: { min_area_m2: num(f.min_area), max_area_m2: num(f.max_area), setting: f.setting, utilities: f.utilities, step_free_access: f.step_free },
    period: f.flexible
      ? { duration_days: num(f.duration) ?? 0, earliest_start: f.earliest, latest_end: f.latest ? nextDay(f.latest) : '' }
      : { start: f.start, end: f.last ? nextDay(f.last) : '' },
    preferred_spaces: f.preferred,
    expected_impact: f.impact,
    team: f.team,
    budget_eur: num(f.budget),
  };
}

// The form for a new application to call `callId`, or for completing draft `id`.
export function ApplicationFormPage({ ws, callId, id }: { ws: string; callId?: number; id?: number }) {
  const session = useSession();
  const me = useMe();
  const existing = useLoad(() => (id ? getApplication(ws, id) : Promise.resolve(null)), [ws, id]);
  const cid = callId ?? existing.data?.call_id;
  const call = useLoad(() => (cid ? getCall(ws, cid) : Promise.resolve(null)), [ws, cid]);
  const [form, setForm] = useState<FormState>(emptyForm);
  const action = useAction();
  useDocumentTitle(t('application.form_title'));
  useEffect(() => {
    if (existing.data) setForm(formOf(existing.data));
  }, [existing.data?.id]);
  const orgs: OrganisationRef[] = me.data?.roles.find((r) => r.workspace === ws)?.organisations ?? [];
  useEffect(() => {
    if (!id && orgs.length === 1 && !form.organisation_id) setForm((f) => ({ ...f, organisation_id: String(orgs[0].id) }));
  }, [orgs.length]);

  if (session === null) return <SignInPrompt />;
  if (existing.error) return <ErrorMessage error={existing.error} />;
  if (call.error) return <ErrorMessage error={call.error} />;
  if (!call.data || me.loading || (id && !existing.data)) return <Loading />;
  const c = call.data;
  const app = existing.data;
  const eligibility = c.eligibility ?? {};
  const documents = c.documents_required ?? [];
  if (app && app.status !== 'draft') {
    return (
      <section class="narrow">
        <h1>{t('application.form_title')}</h1>
        <p>{t('application.not_draft')}</p>
        <p><a href={paths.application(ws, app.id)}>{t('application.view')}</a></p>
      </section>
    );
  }
  if (!c.accepting_applications) {
    return (
      <section class="narrow">
        <h1>{t('application.form_title')}</h1>
        <p>{t('call.not_accepting')}</p>
        <p><a href={paths.call(ws, c.id)}>{c.title}</a></p>
      </section>
    );
  }
  if (!app && orgs.length === 0) {
    return (
      <section class="narrow">
        <h1>{t('application.form_title')}</h1>
        <p>{t('call.no_organisation')}</p>
      </section>
    );
  }

  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const input = (k: keyof FormState) => (e: Event) => set(k, (e.target as HTMLInputElement).value as never);
  const fe = (ptr: string) => action.fields.get(ptr);

  // Saves the draft (creating it the first time) and returns it.
  const save = async (): Promise<Application> => {
    const where = { workspace: ws };
    if (app) {
      return api('patch', '/api/v1/workspaces/{workspace}/applications/{application}', {
        path: { ...where, application: app.id }, header: ifMatch(app.version), body: bodyOf(form),
      });
    }
    if (!form.organisation_id) throw new ApiError(400, t('application.choose_organisation'), '', new Map([['/organisation_id', t('application.choose_organisation')]]));
    return api('post', '/api/v1/workspaces/{workspace}/calls/{call}/applications', {
      path: { ...where, call: c.id }, body: { ...bodyOf(form), organisation_id: Number(form.organisation_id) },
    });
  };

  const onSave = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      const saved = await save();
      if (!app) {
        navigate(paths.applicationEdit(ws, saved.id), true);
        return t('application.saved_new');
      }
      existing.reload();
      return t('application.saved');
    });
  };

  const onSubmit = () => action.run(async () => {
    const saved = await save();
    try {
      const result = await submitApplication(ws, saved.id);
      submitted.set(saved.id, result.warnings ?? []);
      navigate(paths.application(ws, saved.id));
    } catch (err) {
      // The draft exists now (and has a new version): edit that one from here on.
      if (!app) navigate(paths.applicationEdit(ws, saved.id), true);
      else existing.reload();
      throw err;
    }
  });

  const spaces = offeredSpaces(c);
  const nameOf = (sid: number) => spaces.find((s) => s.id === sid)?.name ?? `#${sid}`;
  const unranked = spaces.filter((s) => !form.preferred.includes(s.id));
  const move = (i: number, d: number) => {
    const p = [...form.preferred];
    const j = i + d;
    if (j < 0 || j >= p.length) return;
    [p[i], p[j]] = [p[j], p[i]];
    set('preferred', p);
  };

  return (
    <section class="application-form">
      <p class="breadcrumb"><a href={paths.calls(ws)}>{t('calls.title')}</a> › <a href={paths.call(ws, c.id)}>{c.title}</a></p>
      <h1>{app ? t('application.edit_title', { title: app.title }) : t('application.new_title', { call: c.title })}</h1>
      <p>{t('call.deadline')}: <Instant iso={c.closes_at} /></p>
      <form onSubmit={onSave} noValidate>
        <fieldset>
          <legend>{t('application.project')}</legend>
          {app ? (
            <p><strong>{t('application.organisation')}</strong>: {orgs.find((o) => o.id === app.organisation_id)?.name ?? `#${app.organisation_id}`}</p>
          ) : (
            <div class="field">
              <label for="ap-org">{t('application.organisation')}</label>
              <select id="ap-org" value={form.organisation_id} onChange={input('organisation_id')} {...invalidProps("ap-org", fe('/organisation_id'))}>
                <option value="">{t('application.choose_organisation')}</option>
                {orgs.map((o) => <option key={o.id} value={o.id}>{o.name} ({t(`org_type.${o.type}`)})</option>)}
              </select>
              <FieldError id="ap-org" error={fe('/organisation_id')} />
            </div>
          )}
          <div class="field">
            <label for="ap-title">{t('application.title_field')}</label>
            <input id="ap-title" value={form.title} onInput={input('title')} required maxLength={300} {...invalidProps("ap-title", fe('/title'))} />
            <FieldError id="ap-title" error={fe('/title')} />
          </div>
          <div class="field">
            <label for="ap-desc">{t('application.description')}</label>
            <textarea id="ap-desc" rows={5} value={form.description} onInput={input('description')} {...invalidProps("ap-desc", fe('/description'))} />
            <FieldError id="ap-desc" error={fe('/description')} />
          </div>
          <div class="field">
            <label for="ap-cat">{t('application.category')}</label>
            <select id="ap-cat" value={form.category} onChange={input('category')}>
              {PROJECT_CATEGORIES.map((k) => <option key={k} value={k}>{t(`category.${k}`)}</option>)}
            </select>
          </div>
        </fieldset>

        <fieldset>
          <legend>{t('application.needs')}</legend>
          <div class="field-row">
            <div class="field">
              <label for="ap-min">{t('application.min_area')}</label>
              <input id="ap-min" inputMode="decimal" value={form.min_area} onInput={input('min_area')} {...invalidProps("ap-min", fe('/needs/min_area_m2'))} />
              <FieldError id="ap-min" error={fe('/needs/min_area_m2')} />
            </div>
            <div class="field">
              <label for="ap-max">{t('application.max_area')}</label>
              <input id="ap-max" inputMode="decimal" value={form.max_area} onInput={input('max_area')} {...invalidProps("ap-max", fe('/needs/max_area_m2'))} />
              <FieldError id="ap-max" error={fe('/needs/max_area_m2')} />
            </div>
          </div>
          <fieldset class="checks">
            <legend>{t('application.setting')}</legend>
            {SETTINGS.map((s) => (
              <label key={s}><input type="radio" name="ap-setting" value={s} checked={form.setting === s} onChange={() => set('setting', s)} /> {t(`setting.${s}`)}</label>
            ))}
          </fieldset>
          <fieldset class="checks">
            <legend>{t('application.utilities')}</legend>
            {UTILITIES.map((u) => (
              <label key={u}><input type="checkbox" checked={form.utilities[u]} onChange={(e) => set('utilities', { ...form.utilities, [u]: (e.target as HTMLInputElement).checked })} /> {t(`utility.${u}`)}</label>
            ))}
          </fieldset>
          <label><input type="checkbox" checked={form.step_free} onChange={(e) => set('step_free', (e.target as HTMLInputElement).checked)} /> {t('application.step_free')}</label>
        </fieldset>

        <fieldset>
          <legend>{t('application.period')}</legend>
          <div class="checks">
            <label><input type="radio" name="ap-period" checked={!form.flexible} onChange={() => set('flexible', false)} /> {t('application.period_fixed')}</label>
            <label><input type="radio" name="ap-period" checked={form.flexible} onChange={() => set('flexible', true)} /> {t('application.period_flexible')}</label>
          </div>
          {!form.flexible ? (
            <div class="field-row">
              <div class="field">
                <label for="ap-start">{t('application.start')}</label>
                <input id="ap-start" type="date" value={form.start} onInput={input('start')} {...invalidProps("ap-start", fe('/period/start'))} />
                <FieldError id="ap-start" error={fe('/period/start')} />
              </div>
              <div class="field">
                <label for="ap-end">{t('application.last_day')}</label>
                <input id="ap-end" type="date" value={form.last} onInput={input('last')} {...invalidProps("ap-end", fe('/period/end'))} />
                <FieldError id="ap-end" error={fe('/period/end')} />
              </div>
            </div>
          ) : (
            <div class="field-row">
              <div class="field">
                <label for="ap-duration">{t('application.duration_days')}</label>
                <input id="ap-duration" inputMode="numeric" value={form.duration} onInput={input('duration')} {...invalidProps("ap-duration", fe('/period/duration_days'))} />
                <FieldError id="ap-duration" error={fe('/period/duration_days')} />
              </div>
              <div class="field">
                <label for="ap-earliest">{t('application.earliest_start')}</label>
                <input id="ap-earliest" type="date" value={form.earliest} onInput={input('earliest')} {...invalidProps("ap-earliest", fe('/period/earliest_start'))} />
                <FieldError id="ap-earliest" error={fe('/period/earliest_start')} />
              </div>
              <div class="field">
                <label for="ap-latest">{t('application.latest_day')}</label>
                <input id="ap-latest" type="date" value={form.latest} onInput={input('latest')} {...invalidProps("ap-latest", fe('/period/latest_end'))} />
                <FieldError id="ap-latest" error={fe('/period/latest_end')} />
              </div>
            </div>
          )}
          <FieldError id="ap-period" error={fe('/period')} />
          <p class="hint">{t('application.period_hint', { duration: eligibility.min_duration_days || eligibility.max_duration_days ? `${eligibility.min_duration_days ?? 1}–${eligibility.max_duration_days ?? '∞'}` : '–' })}</p>
        </fieldset>

        <fieldset>
          <legend>{t('application.preferred')}</legend>
          <p class="hint">{c.matching?.preferences_required ? t('application.preferred_required') : t('application.preferred_hint')}</p>
          {form.preferred.length > 0 && (
            <ol class="ranked" data-testid="ranked-spaces">
              {form.preferred.map((sid, i) => (
                <li key={sid}>
                  <span>{nameOf(sid)}</span>
                  <button type="button" class="secondary" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('application.move_up', { name: nameOf(sid) })}>↑</button>
                  <button type="button" class="secondary" disabled={i === form.preferred.length - 1} onClick={() => move(i, 1)} aria-label={t('application.move_down', { name: nameOf(sid) })}>↓</button>
                  <button type="button" class="secondary" onClick={() => set('preferred', form.preferred.filter((x) => x !== sid))} aria-label={t('application.unrank', { name: nameOf(sid) })}>{t('application.remove')}</button>
                </li>
              ))}
            </ol>
          )}
          <FieldError id="ap-preferred_spaces" error={fe('/preferred_spaces')} />
          {unranked.length > 0 && <AddSpace spaces={unranked.map((s) => ({ id: s.id, label: `${s.name} · ${formatArea(s.floor_area_m2 ?? s.area_m2)} · ${period(s.call.available_from, s.call.available_to)}` }))} onAdd={(sid) => set('preferred', [...form.preferred, sid])} />}
        </fieldset>

        <fieldset>
          <legend>{t('application.more')}</legend>
          <div class="field">
            <label for="ap-impact">{t('application.impact')}</label>
            <textarea id="ap-impact" rows={4} value={form.impact} onInput={input('impact')} />
          </div>
          <div class="field">
            <label for="ap-team">{t('application.team')}</label>
            <textarea id="ap-team" rows={3} value={form.team} onInput={input('team')} />
          </div>
          <div class="field">
            <label for="ap-budget">{t('application.budget')}</label>
            <input id="ap-budget" inputMode="decimal" value={form.budget} onInput={input('budget')} {...invalidProps("ap-budget", fe('/budget_eur'))} />
            <FieldError id="ap-budget" error={fe('/budget_eur')} />
          </div>
        </fieldset>

        {app ? (
          <Documents ws={ws} app={app} required={documents} onChange={() => existing.reload()} />
        ) : (
          documents.length > 0 && <p class="hint">{t('application.documents_after_save', { documents: documents.join(', ') })}</p>
        )}

        <div class="actions">
          <button type="submit" class="secondary" disabled={action.busy}>{t('application.save_draft')}</button>
          <button type="button" disabled={action.busy} onClick={onSubmit}>{t('application.submit')}</button>
          {app && <a href={paths.application(ws, app.id)}>{t('application.view')}</a>}
        </div>
      </form>
      <ActionMessages action={action} fields />
    </section>
  );
}

function AddSpace({ spaces, onAdd }: { spaces: { id: number; label: string }[]; onAdd: (id: number) => void }) {
  const [choice, setChoice] = useState('');
  return (
    <div class="inline-form">
      <label for="ap-add-space">{t('application.add_space')}</label>
      <select id="ap-add-space" value={choice} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}>
        <option value="">–</option>
        {spaces.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
      </select>
      <button type="button" class="secondary" disabled={!choice} onClick={() => { onAdd(Number(choice)); setChoice(''); }}>{t('application.rank_space')}</button>
    </div>
  );
}

// The documents of a draft: one upload per document the call requires, and others by name.
function Documents({ ws, app, required, onChange }: { ws: string; app: Application; required: string[]; onChange: () => void }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState('');
  const [otherName, setOtherName] = useState('');
  const upload = async (name: string, key: string, input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setErrors((e) => ({ ...e, [key]: '' }));
    setStatus(t('application.uploading', { name: file.name }));
    try {
      await api('post', '/api/v1/workspaces/{workspace}/applications/{application}/attachments', {
        path: { workspace: ws, application: app.id }, query: { name, file_name: file.name }, file,
      });
      setStatus(t('application.uploaded', { name: file.name }));
      input.value = '';
      onChange();
    } catch (err) {
      const e = err as ApiError;
      setStatus('');
      setErrors((x) => ({ ...x, [key]: e.status === 415 ? t('application.wrong_type', { detail: e.message }) : e.message }));
    }
  };
  const remove = async (attachmentId: number) => {
    try {
      await api('delete', '/api/v1/workspaces/{workspace}/applications/{application}/attachments/{attachment}', {
        path: { workspace: ws, application: app.id, attachment: attachmentId },
      });
      setStatus(t('application.removed'));
      onChange();
    } catch (err) {
      setStatus((err as ApiError).message);
    }
  };
  const attachedAs = (name: string) => app.attachments.filter((a) => a.name === name);
  const others = app.attachments.filter((a) => !required.includes(a.name));
  const fileList = (items: typeof app.attachments) => items.length > 0 && (
    <ul class="files">
      {items.map((a) => (
        <li key={a.id}>
          <a href={attachmentHref(ws, app.id, a.id)} download={a.file_name}>{a.file_name}</a> <span class="muted">({formatNumber(Math.ceil(a.size / 1024))} kB)</span>{' '}
          <button type="button" class="link-button" onClick={() => remove(a.id)} aria-label={t('application.remove_file', { name: a.file_name })}>{t('application.remove')}</button>
        </li>
      ))}
    </ul>
  );
  return (
    <fieldset>
      <legend>{t('application.documents')}</legend>
      <p class="hint" id="doc-types">{t('application.document_types')}</p>
      {required.map((name, i) => {
        const key = `req-${i}`;
        return (
          <div class="field" key={name}>
            <label for={`ap-doc-${i}`}>{name}{attachedAs(name).length === 0 && <span class="muted"> · {t('application.missing')}</span>}</label>
            {fileList(attachedAs(name))}
            <input id={`ap-doc-${i}`} type="file" accept=".pdf,.png,.jpg,.jpeg,.odt,.docx" {...invalidProps(`ap-doc-${i}`, errors[key], 'doc-types')}
              onChange={(e) => upload(name, key, e.target as HTMLInputElement)} />
            <FieldError id={`ap-doc-${i}`} error={errors[key]} />
          </div>
        );
      })}
      <div class="field">
        <label for="ap-doc-other-name">{t('application.other_document')}</label>
        {fileList(others)}
        <div class="inline-form">
          <input id="ap-doc-other-name" value={otherName} onInput={(e) => setOtherName((e.target as HTMLInputElement).value)} placeholder={t('application.document_name')} aria-label={t('application.document_name')} />
          <input id="ap-doc-other" type="file" aria-label={t('application.other_file')} disabled={!otherName.trim()} {...invalidProps('ap-doc-other', errors.other)}
            onChange={(e) => upload(otherName.trim(), 'other', e.target as HTMLInputElement)} />
        </div>
        <FieldError id="ap-doc-other" error={errors.other} />
      </div>
      <p aria-live="polite" role="status" class="muted">{status}</p>
    </fieldset>
  );
}

