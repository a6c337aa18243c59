// A citizen's report of a vacant place, on the public side: a point picked on the map or
// typed, the kind of place, how long it has looked vacant, a description, photos, an optional
// contact.

import L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { KINDS, VACANT_FOR } from '../../api/enums';
import type { ReportInput, Workspace } from '../../api/types';
import { Field } from '../../components/Field';
import { ErrorMessage, Loading } from '../../components/Messages';
import { useAction, useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { t } from '../../i18n';
import { createMap } from '../../map';
import { paths } from '../../router';

// A map on which a click puts the report's point.
function PointPicker({ workspace, lon, lat, onPick }: { workspace: Workspace; lon: string; lat: string; onPick: (lon: number, lat: number) => void }) {
  const el = useRef<HTMLDivElement>(null);
  const marker = useRef<L.CircleMarker | null>(null);
  const map = useRef<L.Map | null>(null);
  useEffect(() => {
    map.current = createMap(el.current!, workspace, t('report.map_label'));
    map.current.on('click', (e: L.LeafletMouseEvent) => onPick(Number(e.latlng.lng.toFixed(6)), Number(e.latlng.lat.toFixed(6))));
    return () => map.current?.remove();
  }, [workspace.slug]);
  useEffect(() => {
    const x = Number(lon);
    const y = Number(lat);
    if (!map.current || lon === '' || lat === '' || Number.isNaN(x) || Number.isNaN(y)) return;
    if (!marker.current) {
      marker.current = L.circleMarker([y, x], { radius: 9, color: '#fff', weight: 2, fillColor: '#b00020', fillOpacity: 1 }).addTo(map.current);
    } else {
      marker.current.setLatLng([y, x]);
    }
  }, [lon, lat]);
  return <div ref={el} class="small-map" data-testid="report-map" />;
}

export function ReportFormPage({ ws }: { ws: string }) {
  useDocumentTitle(t('report.title'));
  const workspace = useWorkspace(ws);
  const form = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/reports/form', { path: { workspace: ws } }), [ws]);
  const [fields, setFields] = useState({ lon: '', lat: '', kind: 'shop', vacant_for: 'unknown', description: '', contact_name: '', contact_email: '', website: '' });
  const [files, setFiles] = useState<File[]>([]);
  const action = useAction();
  const [done, setDone] = useState<{ href: string; photos: number } | null>(null);
  const set = (k: keyof typeof fields) => (e: Event) => setFields({ ...fields, [k]: (e.target as HTMLInputElement).value });

  const submit = (e: Event) => {
    e.preventDefault();
    action.run(async () => {
      // Coordinates the browser cannot read go as typed: the server names the field.
      const body = {
        lon: fields.lon === '' ? null : Number(fields.lon),
        lat: fields.lat === '' ? null : Number(fields.lat),
        kind: fields.kind,
        vacant_for: fields.vacant_for,
        description: fields.description,
        contact_name: fields.contact_name,
        contact_email: fields.contact_email,
        website: fields.website,
        form_token: form.data?.form_token ?? '',
      } as ReportInput;
      const created = await api('post', '/api/v1/workspaces/{workspace}/reports', { path: { workspace: ws }, body });
      let photos = 0;
      for (const file of files.slice(0, 3)) {
        await api('post', '/api/v1/reports/{token}/photos', { path: { token: created.follow_token }, file });
        photos += 1;
      }
      setDone({ href: `/report/${created.follow_token}`, photos });
    });
  };

  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  if (!workspace.data || form.loading) return <Loading />;
  if (done) {
    return (
      <section class="narrow" role="status">
        <h1>{t('report.thanks')}</h1>
        <p>{t('report.thanks_text', { photos: done.photos })}</p>
        <p><a href={done.href}>{t('report.follow_link')}</a></p>
        <p class="hint">{location.origin}{done.href}</p>
      </section>
    );
  }
  const fe = (k: string) => action.fields.get(`/${k}`);
  return (
    <section class="narrow">
      <p class="breadcrumb"><a href={paths.map(ws)}>{workspace.data.name}</a></p>
      <h1>{t('report.title')}</h1>
      <p>{t('report.intro')}</p>
      <form onSubmit={submit} noValidate>
        <PointPicker workspace={workspace.data} lon={fields.lon} lat={fields.lat} onPick={(lon, lat) => setFields((f) => ({ ...f, lon: String(lon), lat: String(lat) }))} />
        <p class="hint">{t('report.map_hint')}</p>
        <div class="field-row">
          <Field id="rp-lon" label={t('report.lon')} error={fe('lon')}>
            <input inputMode="decimal" value={fields.lon} onInput={set('lon')} />
          </Field>
          <Field id="rp-lat" label={t('report.lat')} error={fe('lat')}>
            <input inputMode="decimal" value={fields.lat} onInput={set('lat')} />
          </Field>
        </div>
        <Field id="rp-kind" label={t('field.kind')} error={fe('kind')}>
          <select value={fields.kind} onChange={set('kind')}>
            {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
          </select>
        </Field>
        <Field id="rp-for" label={t('report.vacant_for')} error={fe('vacant_for')}>
          <select value={fields.vacant_for} onChange={set('vacant_for')}>
            {VACANT_FOR.map((v) => <option key={v} value={v}>{t(`vacant_for.${v}`)}</option>)}
          </select>
        </Field>
        <Field id="rp-desc" label={t('report.description')} error={fe('description')}>
          <textarea rows={4} value={fields.description} onInput={set('description')} />
        </Field>
        <Field id="rp-photos" label={t('report.photos')} hint={t('report.photos_help')}>
          <input type="file" multiple accept="image/jpeg,image/png,image/webp"
            onChange={(e) => setFiles(Array.from((e.target as HTMLInputElement).files ?? []))} />
        </Field>
        <fieldset>
          <legend>{t('report.contact')}</legend>
          <Field id="rp-name" label={t('report.contact_name')} error={fe('contact_name')}>
            <input autocomplete="name" value={fields.contact_name} onInput={set('contact_name')} />
          </Field>
          <Field id="rp-email" label={t('report.contact_email')} error={fe('contact_email')}>
            <input type="email" autocomplete="email" value={fields.contact_email} onInput={set('contact_email')} />
          </Field>
        </fieldset>
        <div class="honeypot" aria-hidden="true">
          <label for="rp-website">Website</label>
          <input id="rp-website" tabIndex={-1} autocomplete="off" value={fields.website} onInput={set('website')} />
        </div>
        <button type="submit" disabled={action.busy}>{action.busy ? t('report.sending') : t('report.send')}</button>
      </form>
      {action.error && <ErrorMessage error={action.error} />}
    </section>
  );
}

