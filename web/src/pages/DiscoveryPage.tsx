// OpenStreetMap discovery in the back office: start a scan of an extract (upload, or a file in
// the server's extracts folder), follow its progress, and review the candidates it found:
// accept one as verified, dismiss one with a reason, open the object on openstreetmap.org.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Job, type Space } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { useDocumentTitle, useLoad, useWorkspace } from '../hooks';
import { formatArea, formatDate, formatNumber, t } from '../i18n';
import { paths } from '../router';

const CANDIDATES = 100;

export function DiscoveryPage({ ws }: { ws: string }) {
  const workspace = useWorkspace(ws);
  useDocumentTitle(t('discovery.title'));
  const jobs = useLoad(() => api.jobs(ws), [ws]);

  // Poll while a job is queued or running.
  const active = (jobs.data ?? []).some((j) => j.status === 'queued' || j.status === 'running');
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => jobs.reload(), 1000);
    return () => clearInterval(timer);
  }, [active]);
  // The candidates change when a scan ends: reload them whenever the set of finished jobs does.
  const finished = (jobs.data ?? []).filter((j) => j.status === 'succeeded').map((j) => j.id).join(',');

  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  return (
    <section>
      <p class="breadcrumb"><a href={paths.admin(ws)}>{t('admin.title')}</a></p>
      <h1>{t('discovery.title')}{workspace.data ? ` · ${workspace.data.name}` : ''}</h1>
      <p class="narrow">{t('discovery.intro')}</p>
      <ScanForm ws={ws} onStarted={() => jobs.reload()} />
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">{t('discovery.jobs')}</h2>
        {jobs.error && <ErrorMessage error={jobs.error} />}
        {jobs.loading && !jobs.data && <Loading />}
        {jobs.data && jobs.data.length === 0 && <p>{t('discovery.no_jobs')}</p>}
        {jobs.data && jobs.data.length > 0 && (
          <ul class="jobs">
            {jobs.data.slice(0, 5).map((j) => <JobItem key={j.id} ws={ws} job={j} onChange={() => jobs.reload()} />)}
          </ul>
        )}
      </section>
      <Candidates ws={ws} tick={finished} />
    </section>
  );
}

function ScanForm({ ws, onStarted }: { ws: string; onStarted: () => void }) {
  const extracts = useLoad(() => api.extracts(), []);
  const [source, setSource] = useState<'upload' | 'server'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const serverSide = extracts.data?.enabled && extracts.data.items.length > 0;

  const submit = async (e: Event) => {
    e.preventDefault();
    const fromServer = serverSide && source === 'server';
    if (fromServer ? !path : !file) {
      setMissing(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (fromServer) await api.discoverPath(ws, path, dryRun);
      else await api.discoverUpload(ws, file as File, dryRun);
      onStarted();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="narrow" onSubmit={submit} noValidate aria-labelledby="scan-heading">
      <h2 id="scan-heading">{t('discovery.scan')}</h2>
      {serverSide && (
        <fieldset class="field checks">
          <legend>{t('discovery.source')}</legend>
          <label><input type="radio" name="d-source" checked={source === 'upload'} onChange={() => { setSource('upload'); setMissing(false); }} /> {t('discovery.source_upload')}</label>
          <label><input type="radio" name="d-source" checked={source === 'server'} onChange={() => { setSource('server'); setMissing(false); }} /> {t('discovery.source_server')}</label>
        </fieldset>
      )}
      {serverSide && source === 'server' ? (
        <div class="field">
          <label for="d-path">{t('discovery.extract')}</label>
          <select id="d-path" value={path} aria-invalid={missing} aria-describedby={missing ? 'd-missing' : undefined}
            onChange={(e) => { setPath((e.target as HTMLSelectElement).value); setMissing(false); }}>
            <option value="">{t('discovery.choose_extract')}</option>
            {extracts.data!.items.map((x) => (
              <option key={x.path} value={x.path}>{x.path} ({formatNumber(x.size / 1048576, 1)} MB)</option>
            ))}
          </select>
          {missing && <p id="d-missing" class="field-error">{t('discovery.choose')}</p>}
        </div>
      ) : (
        <div class="field">
          <label for="d-file">{t('discovery.file')}</label>
          <input id="d-file" type="file" accept=".pbf,.osm.pbf,application/octet-stream" aria-invalid={missing}
            aria-describedby={missing ? 'd-missing' : 'd-file-help'}
            onChange={(e) => { setFile((e.target as HTMLInputElement).files?.[0] ?? null); setMissing(false); }} />
          <p id="d-file-help" class="hint">{t('discovery.file_help')}</p>
          {missing && <p id="d-missing" class="field-error">{t('discovery.choose')}</p>}
        </div>
      )}
      <div class="field checks">
        <label><input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} /> {t('discovery.dry_run')}</label>
      </div>
      <button type="submit" disabled={busy}>{busy ? t('discovery.starting') : t('discovery.start')}</button>
      {error && <ErrorMessage error={error} />}
    </form>
  );
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return t('discovery.seconds', { n: s });
  return t('discovery.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

function JobItem({ ws, job, onChange }: { ws: string; job: Job; onChange: () => void }) {
  const [error, setError] = useState<ApiError | null>(null);
  const p = job.progress;
  const share = Math.round((p.share_read ?? 0) * 100);
  const cancel = async () => {
    setError(null);
    try {
      await api.cancelJob(ws, job.id);
    } catch (err) {
      setError(err as ApiError);
    }
    onChange();
  };
  const live = job.status === 'queued' || job.status === 'running';
  return (
    <li class={`job job-${job.status}`} data-testid="job">
      <p>
        <strong>{job.params.file_name ?? '?'}</strong>{' · '}
        <span class="job-status">{t(`job.${job.status}`)}</span>{' · '}
        {formatDate(job.created_at, true)}
        {job.params.dry_run ? ` · ${t('discovery.dry_run_short')}` : ''}
      </p>
      {job.status === 'running' && (
        <div class="job-progress">
          <progress max={100} value={share} aria-label={t('discovery.progress', { file: job.params.file_name ?? '' })}>{share}%</progress>
          <span>
            {share}% · {t(`phase.${p.phase ?? 'relations'}`)}
            {p.objects_per_second ? ` · ${t('discovery.rate', { n: Math.round(p.objects_per_second) })}` : ''}
            {p.seconds_left ? ` · ${t('discovery.left', { time: duration(p.seconds_left) })}` : ''}
          </span>
        </div>
      )}
      {live && <button type="button" class="secondary" onClick={cancel}>{t('discovery.cancel')}</button>}
      {job.status === 'succeeded' && job.result && (
        <dl class="counts" data-testid="scan-counts">
          <div><dt>{t('discovery.candidates')}</dt><dd>{formatNumber(job.result.candidates)}</dd></div>
          <div><dt>{t('import.created')}</dt><dd>{formatNumber(job.result.created)}</dd></div>
          <div><dt>{t('import.updated')}</dt><dd>{formatNumber(job.result.updated)}</dd></div>
          <div><dt>{t('import.unchanged')}</dt><dd>{formatNumber(job.result.unchanged)}</dd></div>
          <div><dt>{t('discovery.kept')}</dt><dd>{formatNumber(job.result.kept + job.result.kept_missing)}</dd></div>
          <div><dt>{t('discovery.ended')}</dt><dd>{formatNumber(job.result.ended)}</dd></div>
        </dl>
      )}
      {(job.status === 'failed' || job.status === 'cancelled') && job.error && <p class="field-error" role="alert">{job.error}</p>}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}

interface Factor { name: string; value: number; normalised: number; weight: number; contribution: number }
interface ScoreInfo { value: number; factors: Factor[] }
interface Explanation {
  rules?: string[];
  matched_tags?: Record<string, string>;
  lifecycle?: string;
  osm?: { type: string; id: number; url: string };
  context?: { nearest_stop_m?: number | null; green_area_300m_m2?: number; nearest_park_m?: number | null; amenities_500m?: number; shops_500m?: number };
  suitability?: ScoreInfo;
  greening?: ScoreInfo;
}

function Candidates({ ws, tick }: { ws: string; tick: string }) {
  const [offset, setOffset] = useState(0);
  const [localTick, setLocalTick] = useState(0);
  const list = useLoad(() => {
    const p = new URLSearchParams({ source: 'osm', status: 'reported', limit: String(CANDIDATES), offset: String(offset), sort: 'id' });
    return api.spaces(ws, p);
  }, [ws, offset, tick, localTick]);
  const sorted = [...(list.data?.items ?? [])].sort(
    (a, b) => ((b.source_attributes as Explanation).suitability?.value ?? 0) - ((a.source_attributes as Explanation).suitability?.value ?? 0),
  );
  const total = list.data?.total ?? 0;
  return (
    <section aria-labelledby="candidates-heading">
      <h2 id="candidates-heading">{t('discovery.review')}</h2>
      {list.error && <ErrorMessage error={list.error} />}
      {list.loading && !list.data && <Loading />}
      {list.data && <p role="status">{t('discovery.to_review', { count: total })}</p>}
      <ul class="candidates">
        {sorted.map((s) => <Candidate key={s.id} ws={ws} space={s} onDone={() => setLocalTick((n) => n + 1)} />)}
      </ul>
      <nav class="pager" aria-label={t('admin.pages')}>
        {offset > 0 && <button type="button" onClick={() => setOffset(Math.max(0, offset - CANDIDATES))}>{t('admin.previous')}</button>}
        {offset + CANDIDATES < total && <button type="button" onClick={() => setOffset(offset + CANDIDATES)}>{t('admin.next')}</button>}
      </nav>
    </section>
  );
}

function distance(m: number | null | undefined): string {
  if (m === null || m === undefined) return t('discovery.none_in_extract');
  return m >= 1000 ? `${formatNumber(m / 1000, 1)} km` : `${formatNumber(m)} m`;
}

function Candidate({ ws, space, onDone }: { ws: string; space: Space; onDone: () => void }) {
  const why = space.source_attributes as Explanation;
  const [dismissing, setDismissing] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const name = space.name || t('discovery.unnamed', { kind: t(`kind.${space.kind}`) });
  const headingId = `cand-${space.id}`;

  const move = async (to: 'verified' | 'withdrawn', text: string) => {
    setBusy(true);
    setError(null);
    try {
      await api.transition(ws, space.id, space.version, to, text);
      onDone();
    } catch (err) {
      setError(err as ApiError);
      setBusy(false);
    }
  };
  const dismiss = (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setReasonMissing(true);
      return;
    }
    move('withdrawn', reason.trim());
  };
  const ctx = why.context ?? {};
  return (
    <li class="candidate" aria-labelledby={headingId} data-testid="candidate">
      <h3 id={headingId}><a href={paths.space(ws, space.id)}>{name}</a></h3>
      <p>
        {t(`kind.${space.kind}`)}
        {why.lifecycle ? ` · ${t(`lifecycle.${why.lifecycle}`)}` : ''}
        {space.area_m2 ? ` · ${formatArea(space.area_m2)}` : ''}
        {space.address ? ` · ${space.address}` : ''}
      </p>
      <p class="scores">
        <span class="score">{t('discovery.suitability')}: <strong>{formatNumber(why.suitability?.value ?? 0)}</strong>/100</span>
        <span class="score">{t('discovery.greening')}: <strong>{formatNumber(why.greening?.value ?? 0)}</strong>/100</span>
      </p>
      <details>
        <summary>{t('discovery.why')}</summary>
        <dl class="details">
          <div><dt>{t('discovery.tags')}</dt><dd>{Object.entries(why.matched_tags ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}</dd></div>
          <div><dt>{t('discovery.nearest_stop')}</dt><dd>{distance(ctx.nearest_stop_m)}</dd></div>
          <div><dt>{t('discovery.green_area')}</dt><dd>{formatArea(ctx.green_area_300m_m2 ?? 0)}</dd></div>
          <div><dt>{t('discovery.nearest_park')}</dt><dd>{distance(ctx.nearest_park_m)}</dd></div>
          <div><dt>{t('discovery.amenities')}</dt><dd>{formatNumber(ctx.amenities_500m ?? 0)}</dd></div>
          <div><dt>{t('discovery.shops')}</dt><dd>{formatNumber(ctx.shops_500m ?? 0)}</dd></div>
        </dl>
        {why.suitability && <Factors caption={t('discovery.suitability')} score={why.suitability} />}
        {why.greening && <Factors caption={t('discovery.greening')} score={why.greening} />}
      </details>
      <div class="actions">
        <button type="button" disabled={busy} onClick={() => move('verified', t('discovery.accept_reason'))}
          aria-label={t('discovery.accept_named', { name })}>{t('discovery.accept')}</button>
        {!dismissing && (
          <button type="button" class="secondary" disabled={busy} onClick={() => setDismissing(true)}
            aria-label={t('discovery.dismiss_named', { name })}>{t('discovery.dismiss')}</button>
        )}
        {why.osm?.url && (
          <a href={why.osm.url} target="_blank" rel="noopener noreferrer">{t('discovery.open_osm', { id: `${why.osm.type}/${why.osm.id}` })}</a>
        )}
      </div>
      {dismissing && (
        <form class="inline-form" onSubmit={dismiss} noValidate>
          <label for={`dismiss-${space.id}`}>{t('discovery.dismiss_reason')}</label>
          <input id={`dismiss-${space.id}`} type="text" value={reason} aria-invalid={reasonMissing}
            aria-describedby={reasonMissing ? `dismiss-${space.id}-error` : undefined}
            onInput={(e) => { setReason((e.target as HTMLInputElement).value); setReasonMissing(false); }} />
          <button type="submit" disabled={busy}>{t('discovery.dismiss_confirm')}</button>
          <button type="button" class="secondary" onClick={() => { setDismissing(false); setReasonMissing(false); }}>{t('common.cancel')}</button>
          {reasonMissing && <p id={`dismiss-${space.id}-error`} class="field-error">{t('discovery.reason_required')}</p>}
        </form>
      )}
      {error && <ErrorMessage error={error} />}
    </li>
  );
}

function Factors({ caption, score }: { caption: string; score: ScoreInfo }) {
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('discovery.factor')}</th>
            <th scope="col">{t('discovery.weight')}</th>
            <th scope="col">{t('discovery.normalised')}</th>
            <th scope="col">{t('discovery.points')}</th>
          </tr>
        </thead>
        <tbody>
          {score.factors.map((f) => (
            <tr key={f.name}>
              <td>{t(`factor.${f.name}`)}</td>
              <td>{formatNumber(f.weight * 100)}%</td>
              <td>{formatNumber(f.normalised, 2)}</td>
              <td>{formatNumber(f.contribution, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
