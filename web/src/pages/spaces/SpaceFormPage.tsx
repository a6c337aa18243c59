import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, ifMatch } from '../../api/client';
import { BUILDING_TYPES, CONDITIONS, KINDS, OWNER_TYPES, STATUSES, UTILITIES, VACANCIES } from '../../api/enums';
import type { Geometry, Space, SpaceCreate, SpaceFields, SpaceStatus, Workspace } from '../../api/types';
import { Async } from '../../components/Async';
import { Field, FieldError } from '../../components/Field';
import { GeometryEditor } from '../../components/GeometryEditor';
import { ErrorMessage } from '../../components/Messages';
import { useAction, useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { t } from '../../i18n';
import { navigate, paths } from '../../router';
import { TransitionPanel } from './TransitionPanel';

// The form's text for every writable field; converted to the API's types on save.
interface FormValues {
  name: string;
  kind: string;
  address: string;
  owner_type: string;
  building_type: string;
  condition: string;
  vacancy: string;
  vacant_since: string;
  area_m2: string;
  floor_area_m2: string;
  floors: string;
  available_from: string;
  available_to: string;
  planned_future_use: string;
  notes: string;
  step_free_access: string; // '', 'true', 'false'
  water: string;
  electricity: string;
  heating: string;
  internet: string;
}

const EMPTY: FormValues = {
  name: '', kind: 'building', address: '', owner_type: 'unknown', building_type: '', condition: '',
  vacancy: '', vacant_since: '', area_m2: '', floor_area_m2: '', floors: '', available_from: '',
  available_to: '', planned_future_use: '', notes: '', step_free_access: '', water: '',
  electricity: '', heating: '', internet: '',
};

const tri = (v: boolean | null | undefined) => (v == null ? '' : String(v));

function valuesOf(s: Space): FormValues {
  return {
    name: s.name, kind: s.kind, address: s.address, owner_type: s.owner_type,
    building_type: s.building_type ?? '', condition: s.condition ?? '', vacancy: s.vacancy ?? '',
    vacant_since: s.vacant_since ?? '',
    area_m2: s.area_source === 'given' && s.area_m2 != null ? String(s.area_m2) : '',
    floor_area_m2: s.floor_area_m2 == null ? '' : String(s.floor_area_m2),
    floors: s.floors == null ? '' : String(s.floors),
    available_from: s.available_from ?? '', available_to: s.available_to ?? '',
    planned_future_use: s.planned_future_use, notes: s.notes,
    step_free_access: tri(s.step_free_access), water: tri(s.utilities?.water),
    electricity: tri(s.utilities?.electricity), heating: tri(s.utilities?.heating),
    internet: tri(s.utilities?.internet),
  };
}

// Numbers the browser cannot read stay strings: the API then names the field.
function num(v: string): number | string | null {
  if (v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}
const opt = (v: string) => (v === '' ? null : v);
const bool = (v: string) => (v === '' ? null : v === 'true');

// Typed as the API's fields, though a number the browser cannot read is sent as typed: the
// server then names the field.
function body(v: FormValues, geometry: Geometry | null): SpaceFields {
  return {
    name: v.name, kind: v.kind, address: v.address, owner_type: v.owner_type,
    building_type: opt(v.building_type), condition: opt(v.condition), vacancy: opt(v.vacancy),
    vacant_since: opt(v.vacant_since), area_m2: num(v.area_m2), floor_area_m2: num(v.floor_area_m2),
    floors: num(v.floors), available_from: opt(v.available_from), available_to: opt(v.available_to),
    planned_future_use: v.planned_future_use, notes: v.notes, step_free_access: bool(v.step_free_access),
    utilities: { water: bool(v.water), electricity: bool(v.electricity), heating: bool(v.heating), internet: bool(v.internet) },
    geometry,
  } as SpaceFields;
}

// JSON Pointer of an API error -> the id of the control that shows it.
function controlFor(pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (parts[0] === 'geometry') return 'geometry';
  if (parts[0] === 'utilities' && parts[1]) return `f-${parts[1]}`;
  return `f-${parts[0] ?? 'name'}`;
}

export function SpaceFormPage({ ws, id }: { ws: string; id?: number }) {
  const workspace = useWorkspace(ws);
  const space = useLoad(
    () => (id ? api('get', '/api/v1/workspaces/{workspace}/spaces/{id}', { path: { workspace: ws, id } }) : Promise.resolve(null)),
    [ws, id],
  );
  useDocumentTitle(id ? t('form.edit_title') : t('form.new_title'));
  return (
    <Async state={workspace}>
      {(w) => (id
        ? <Async state={space}>{(s) => <SpaceForm key={s.id} workspace={w} space={s} />}</Async>
        : <SpaceForm workspace={w} space={null} />)}
    </Async>
  );
}

function SpaceForm({ workspace, space: loaded }: { workspace: Workspace; space: Space | null }) {
  const ws = workspace.slug;
  const [space, setSpace] = useState<Space | null>(loaded);
  const [values, setValues] = useState<FormValues>(space ? valuesOf(space) : EMPTY);
  const [geometry, setGeometry] = useState<Geometry | null>(space?.geometry ?? null);
  const [status, setStatus] = useState<SpaceStatus>('reported');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  const onSaved = (s: Space) => {
    setSpace(s);
    setValues(valuesOf(s));
  };

  const set = (k: keyof FormValues) => (e: Event) => {
    setValues({ ...values, [k]: (e.target as HTMLInputElement).value });
    setSaved(false);
  };

  // Every field error from the API, keyed by the control that shows it.
  const byControl = new Map<string, string[]>();
  for (const [pointer, message] of action.fields) {
    const c = controlFor(pointer);
    byControl.set(c, [...(byControl.get(c) ?? []), message]);
  }
  const err = (c: string) => byControl.get(c)?.join('; ');

  const submit = async (e: Event) => {
    e.preventDefault();
    const ok = await action.run(async () => {
      if (space) {
        onSaved(await api('patch', '/api/v1/workspaces/{workspace}/spaces/{id}', {
          path: { workspace: ws, id: space.id }, header: ifMatch(space.version), body: body(values, geometry),
        }));
        setSaved(true);
      } else {
        const created = await api('post', '/api/v1/workspaces/{workspace}/spaces', {
          path: { workspace: ws }, body: { ...body(values, geometry), status } as SpaceCreate,
        });
        navigate(paths.space(ws, created.id));
      }
    });
    if (!ok) requestAnimationFrame(() => document.getElementById('form-errors')?.focus());
  };

  const field = (k: keyof FormValues, label: string, input: JSX.Element, help?: string) => (
    <Field id={`f-${k}`} label={label} error={err(`f-${k}`)} hint={help}>{input}</Field>
  );
  const text = (k: keyof FormValues, type = 'text', extra: Record<string, unknown> = {}) => (
    <input type={type} value={values[k]} onInput={set(k)} {...extra} />
  );
  const select = (k: keyof FormValues, options: readonly string[], prefix: string, empty?: string) => (
    <select value={values[k]} onChange={set(k)}>
      {empty !== undefined && <option value="">{empty}</option>}
      {options.map((o) => <option key={o} value={o}>{t(`${prefix}.${o}`)}</option>)}
    </select>
  );
  const triState = (k: keyof FormValues) => (
    <select value={values[k]} onChange={set(k)}>
      <option value="">{t('common.unknown')}</option>
      <option value="true">{t('common.yes')}</option>
      <option value="false">{t('common.no')}</option>
    </select>
  );

  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{space ? t('form.edit_heading', { name: space.name }) : t('form.new_title')}</h1>
      {action.error && <ErrorMessage id="form-errors" error={action.error} fields={{ label: fieldLabel, control: controlFor }} />}
      {saved && <p class="success" role="status">{t('form.saved')}</p>}
      <form onSubmit={submit} noValidate class="space-form">
        <fieldset>
          <legend>{t('form.basics')}</legend>
          {field('name', t('field.name'), text('name', 'text', { required: true, autoComplete: 'off' }))}
          {field('kind', t('field.kind'), select('kind', KINDS, 'kind'))}
          {!space && (
            <Field id="f-status" label={t('form.initial_status')}>
              <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as SpaceStatus)}>
                {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
              </select>
            </Field>
          )}
          {field('address', t('field.address'), text('address'))}
        </fieldset>
        <fieldset>
          <legend>{t('form.location')}</legend>
          <GeometryEditor workspace={workspace} value={geometry} onChange={(g) => { setGeometry(g); setSaved(false); }}
            invalid={!!err('geometry')} describedBy={err('geometry') ? 'geometry-error' : 'geometry-help'} />
          <FieldError id="geometry" error={err('geometry')} />
        </fieldset>
        <fieldset>
          <legend>{t('form.building')}</legend>
          {field('area_m2', t('field.area_m2'), text('area_m2', 'text', { inputMode: 'decimal' }), t('form.area_help'))}
          {field('floor_area_m2', t('field.floor_area_m2'), text('floor_area_m2', 'text', { inputMode: 'decimal' }))}
          {field('floors', t('field.floors'), text('floors', 'text', { inputMode: 'numeric' }))}
          {field('owner_type', t('field.owner_type'), select('owner_type', OWNER_TYPES, 'owner'))}
          {field('building_type', t('field.building_type'), select('building_type', BUILDING_TYPES, 'building', t('common.unknown')))}
          {field('condition', t('field.condition'), select('condition', CONDITIONS, 'condition', t('common.unknown')))}
          {field('vacancy', t('field.vacancy'), select('vacancy', VACANCIES, 'vacancy', t('common.unknown')))}
          {field('vacant_since', t('field.vacant_since'), text('vacant_since', 'date'))}
        </fieldset>
        <fieldset>
          <legend>{t('form.use')}</legend>
          {UTILITIES.map((u) => <div key={u}>{field(u, t(`utility.${u}`), triState(u))}</div>)}
          {field('step_free_access', t('field.step_free_access'), triState('step_free_access'))}
          {field('available_from', t('field.available_from'), text('available_from', 'date'))}
          {field('available_to', t('field.available_to'), text('available_to', 'date'))}
          {field('planned_future_use', t('field.planned_future_use'), text('planned_future_use'))}
          {field('notes', t('field.notes'), <textarea rows={4} value={values.notes} onInput={set('notes')} />)}
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={action.busy}>{space ? t('form.save') : t('form.create')}</button>
          {space && <a href={paths.space(ws, space.id)}>{t('form.view_public')}</a>}
        </div>
      </form>
      {space && <TransitionPanel ws={ws} space={space} onDone={onSaved} />}
    </section>
  );
}

function fieldLabel(pointer: string): string {
  const parts = pointer.split('/').filter(Boolean);
  if (parts.length === 0) return t('form.document');
  if (parts[0] === 'utilities' && parts[1]) return t(`utility.${parts[1]}`);
  if (parts[0] === 'geometry') return t('form.location');
  const key = `field.${parts[0]}`;
  const label = t(key);
  return label === key ? parts[0] : label;
}
