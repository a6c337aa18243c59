// Citizens' reports in the browser: the form on the public side (a point picked on the map or
// typed, the kind of place, how long it has looked vacant, a description, photos, an optional
// contact), the private page that follows a report, and the officers' moderation queue.

import L from 'leaflet';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, KINDS, type ModeratedReport, type Workspace } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle, useLoad, useWorkspace } from '../hooks';
import { formatDate, formatNumber, t } from '../i18n';
import { createMap } from '../map';
import { paths } from '../router';

const VACANT_FOR = ['unknown', 'under_6_months', '6_to_12_months', '1_to_3_years', 'over_3_years'];

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
  const form = useLoad(() => api.reportForm(ws), [ws]);
  const [fields, setFields] = useState({ lon: '', lat: '', kind: 'shop', vacant_for: 'unknown', description: '', contact_name: '', contact_email: '', website: '' });
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<{ href: string; photos: number } | null>(null);
  const set = (k: keyof typeof fields) => (e: Event) => setFields({ ...fields, [k]: (e.target as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.createReport(ws, {
        lon: fields.lon === '' ? null : Number(fields.lon),
        lat: fields.lat === '' ? null : Number(fields.lat),
        kind: fields.kind,
        vacant_for: fields.vacant_for,
        description: fields.description,
        contact_name: fields.contact_name,
        contact_email: fields.contact_email,
        website: fields.website,
        form_token: form.data?.form_token ?? '',
      });
      let photos = 0;
      for (const f of files.slice(0, 3)) {
        await api.addReportPhoto(created.follow_token, f);
        photos += 1;
      }
      setDone({ href: `/report/${created.follow_token}`, photos });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
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
  const fe = (k: string) => error?.fields.get(`/${k}`);
  return (
    <section class="narrow">
      <p class="breadcrumb"><a href={paths.map(ws)}>{workspace.data.name}</a></p>
      <h1>{t('report.title')}</h1>
      <p>{t('report.intro')}</p>
      <form onSubmit={submit} noValidate>
        <PointPicker workspace={workspace.data} lon={fields.lon} lat={fields.lat} onPick={(lon, lat) => setFields((f) => ({ ...f, lon: String(lon), lat: String(lat) }))} />
        <p class="hint">{t('report.map_hint')}</p>
        <div class="field-row">
          <div class="field">
            <label for="rp-lon">{t('report.lon')}</label>
            <input id="rp-lon" inputMode="decimal" value={fields.lon} onInput={set('lon')} aria-invalid={fe('lon') ? true : undefined} aria-describedby={fe('lon') ? 'rp-lon-error' : undefined} />
            {fe('lon') && <p id="rp-lon-error" class="field-error">{fe('lon')}</p>}
          </div>
          <div class="field">
            <label for="rp-lat">{t('report.lat')}</label>
            <input id="rp-lat" inputMode="decimal" value={fields.lat} onInput={set('lat')} aria-invalid={fe('lat') ? true : undefined} aria-describedby={fe('lat') ? 'rp-lat-error' : undefined} />
            {fe('lat') && <p id="rp-lat-error" class="field-error">{fe('lat')}</p>}
          </div>
        </div>
        <div class="field">
          <label for="rp-kind">{t('field.kind')}</label>
          <select id="rp-kind" value={fields.kind} onChange={set('kind')}>
            {KINDS.map((k) => <option key={k} value={k}>{t(`kind.${k}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="rp-for">{t('report.vacant_for')}</label>
          <select id="rp-for" value={fields.vacant_for} onChange={set('vacant_for')}>
            {VACANT_FOR.map((v) => <option key={v} value={v}>{t(`vacant_for.${v}`)}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="rp-desc">{t('report.description')}</label>
          <textarea id="rp-desc" rows={4} value={fields.description} onInput={set('description')} />
        </div>
        <div class="field">
          <label for="rp-photos">{t('report.photos')}</label>
          <input id="rp-photos" type="file" multiple accept="image/jpeg,image/png,image/webp" aria-describedby="rp-photos-help"
            onChange={(e) => setFiles(Array.from((e.target as HTMLInputElement).files ?? []))} />
          <p id="rp-photos-help" class="hint">{t('report.photos_help')}</p>
        </div>
        <fieldset>
          <legend>{t('report.contact')}</legend>
          <div class="field">
            <label for="rp-name">{t('report.contact_name')}</label>
            <input id="rp-name" autocomplete="name" value={fields.contact_name} onInput={set('contact_name')} />
          </div>
          <div class="field">
            <label for="rp-email">{t('report.contact_email')}</label>
            <input id="rp-email" type="email" autocomplete="email" value={fields.contact_email} onInput={set('contact_email')} aria-invalid={fe('contact_email') ? true : undefined} />
            {fe('contact_email') && <p class="field-error">{fe('contact_email')}</p>}
          </div>
        </fieldset>
        <div class="honeypot" aria-hidden="true">
          <label for="rp-website">Website</label>
          <input id="rp-website" tabIndex={-1} autocomplete="off" value={fields.website} onInput={set('website')} />
        </div>
        <button type="submit" disabled={busy}>{busy ? t('report.sending') : t('report.send')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
    </section>
  );
}

export function FollowReportPage({ token }: { token: string }) {
  useDocumentTitle(t('report.follow_title'));
  const report = useLoad(() => api.followReport(token), [token]);
  return (
    <section class="narrow">
      <h1>{t('report.follow_title')}</h1>
      {report.error && <ErrorMessage error={report.error} />}
      {report.loading && !report.data && <Loading />}
      {report.data && (
        <dl class="details" data-testid="followed-report">
          <div><dt>{t('report.state')}</dt><dd>{t(`report_status.${report.data.status}`)}</dd></div>
          <div><dt>{t('report.sent')}</dt><dd>{formatDate(report.data.created_at, true)}</dd></div>
          <div><dt>{t('field.kind')}</dt><dd>{t(`kind.${report.data.kind}`)}</dd></div>
          <div><dt>{t('report.description')}</dt><dd>{report.data.description || '–'}</dd></div>
          <div><dt>{t('report.photos')}</dt><dd>{formatNumber(report.data.photo_count)}</dd></div>
          {report.data.decision_reason && <div><dt>{t('report.reason')}</dt><dd>{report.data.decision_reason}</dd></div>}
          {report.data.space && <div><dt>{t('report.space')}</dt><dd><a href={new URL(report.data.space.href).pathname}>{t('report.open_space')}</a></dd></div>}
        </dl>
      )}
    </section>
  );
}

export function ModerationPage({ ws }: { ws: string }) {
  useDocumentTitle(t('moderation.title'));
  const queue = useLoad(() => api.reports(ws, 'pending'), [ws]);
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('moderation.title')}</h1>
      {queue.error && <ErrorMessage error={queue.error} />}
      {queue.loading && !queue.data && <Loading />}
      {queue.data && <p role="status">{t('moderation.count', { count: queue.data.total })}</p>}
      <ul class="candidates">
        {queue.data?.items.map((r) => <Pending key={r.id} ws={ws} report={r} onDone={() => queue.reload()} />)}
      </ul>
    </section>
  );
}

function Pending({ ws, report, onDone }: { ws: string; report: ModeratedReport; onDone: () => void }) {
  const detail = useLoad(() => api.report(ws, report.id), [report.id]);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (f: () => Promise<unknown>) => {
    setError(null);
    try {
      await f();
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const heading = `rep-${report.id}`;
  return (
    <li class="candidate" aria-labelledby={heading} data-testid="report">
      <h2 id={heading}>{t(`kind.${report.kind}`)} · {formatDate(report.created_at, true)}</h2>
      <p>{report.description || '–'}</p>
      <p>{t(`vacant_for.${report.vacant_for}`)} · {report.lon.toFixed(5)}, {report.lat.toFixed(5)}</p>
      {(report.contact_name || report.contact_email) && <p>{t('report.contact')}: {report.contact_name} {report.contact_email}</p>}
      <div class="photos">
        {report.photos.map((p) => (
          <a key={p.id} href={new URL(p.href).pathname}><img src={new URL(p.thumbnail_href).pathname + new URL(p.thumbnail_href).search} alt={t('moderation.photo', { n: p.id })} /></a>
        ))}
      </div>
      {detail.data && detail.data.nearby_spaces && detail.data.nearby_spaces.length > 0 && (
        <div>
          <h3>{t('moderation.nearby')}</h3>
          <ul>
            {detail.data.nearby_spaces.map((s) => (
              <li key={s.id}>
                <a href={paths.space(ws, s.id)}>{s.name}</a> ({formatNumber(s.distance_m)} m){' '}
                <button type="button" class="secondary" onClick={() => act(() => api.mergeReport(ws, report.id, s.id, reason))}
                  aria-label={t('moderation.merge_named', { name: s.name })}>{t('moderation.merge')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form class="inline-form" onSubmit={(e) => { e.preventDefault(); act(() => api.acceptReport(ws, report.id, name)); }}>
        <label for={`acc-${report.id}`}>{t('moderation.space_name')}</label>
        <input id={`acc-${report.id}`} value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('moderation.accept')}</button>
      </form>
      <form class="inline-form" onSubmit={(e) => { e.preventDefault(); act(() => api.rejectReport(ws, report.id, reason)); }}>
        <label for={`rej-${report.id}`}>{t('moderation.reason')}</label>
        <input id={`rej-${report.id}`} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        <button type="submit" class="secondary">{t('moderation.reject')}</button>
      </form>
      {error && <ErrorMessage error={error} />}
    </li>
  );
}
