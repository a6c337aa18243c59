// OpenStreetMap discovery in the back office: start a scan of an extract (upload, or a file in
// the server's extracts folder), follow its progress, and review the candidates it found:
// accept one as verified, dismiss one with a reason, open the object on openstreetmap.org.

import { useEffect, useState } from 'preact/hooks';
import { api, ifMatch } from '../../api/client';
import type { Job, JobParams, Space } from '../../api/types';
import { Async } from '../../components/Async';
import { Field, FieldError, invalidProps } from '../../components/Field';
import { ErrorMessage } from '../../components/Messages';
import { Pager } from '../../components/Pager';
import { Table } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { formatArea, formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';

const CANDIDATES = 100;

export function DiscoveryPage({ ws }: { ws: string }) {
  const workspace = useWorkspace(ws);
  useDocumentTitle(t('discovery.title'));
  const jobs = useLoad(
    () => api('get', '/api/v1/workspaces/{workspace}/jobs', { path: { workspace: ws }, query: { limit: 10 } }).then((r) => r.items),
    [ws],
  );

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
        <Async state={jobs} empty={t('discovery.no_jobs')}>
          {(list) => (
            <ul class="jobs">
              {list.slice(0, 5).map((j) => <JobItem key={j.id} ws={ws} job={j} onChange={() => jobs.reload()} />)}
            </ul>
          )}
        </Async>
      </section>
      <Candidates ws={ws} tick={finished} />
    </section>
  );
}

function ScanForm({ ws, onStarted }: { ws: string; onStarted: () => void }) {
  const extracts = useLoad(() => api('get', '/api/v1/extracts'), []);
  const [source, setSource] = useState<'upload' | 'server'>('upload');
  const [file, setFile] = useState<File | null>(null);
  const [path, setPath] = useState('');
  const [dryRun, setDryRun] = useState(false);
  const [missing, setMissing] = useState(false);
  const action = useAction();
  const serverSide = extracts.data?.enabled && extracts.data.items.length > 0;

  const submit = (e: Event) => {
    e.preventDefault();
    const fromServer = serverSide && source === 'server';
    if (fromServer ? !path : !file) {
      setMissing(true);
      return;
    }
    action.run(async () => {
      const where = { workspace: ws };
      if (fromServer) await api('post', '/api/v1/workspaces/{workspace}/discoveries', { path: where, body: { path, dry_run: dryRun } });
      else await api('post', '/api/v1/workspaces/{workspace}/discoveries', { path: where, query: { file_name: file!.name, dry_run: dryRun || undefined }, file: file! });
      onStarted();
    });
  };
  const choose = missing ? t('discovery.choose') : undefined;

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
        <Field id="d-path" label={t('discovery.extract')} error={choose}>
          <select value={path} onChange={(e) => { setPath((e.target as HTMLSelectElement).value); setMissing(false); }}>
            <option value="">{t('discovery.choose_extract')}</option>
            {extracts.data!.items.map((x) => (
              <option key={x.path} value={x.path}>{x.path} ({formatNumber(x.size / 1048576, 1)} MB)</option>
            ))}
          </select>
        </Field>
      ) : (
        <Field id="d-file" label={t('discovery.file')} hint={t('discovery.file_help')} error={choose}>
          <input type="file" accept=".pbf,.osm.pbf,application/octet-stream"
            onChange={(e) => { setFile((e.target as HTMLInputElement).files?.[0] ?? null); setMissing(false); }} />
        </Field>
      )}
      <div class="field checks">
        <label><input type="checkbox" checked={dryRun} onChange={() => setDryRun(!dryRun)} /> {t('discovery.dry_run')}</label>
      </div>
      <button type="submit" disabled={action.busy}>{action.busy ? t('discovery.starting') : t('discovery.start')}</button>
      {action.error && <ErrorMessage error={action.error} />}
    </form>
  );
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return t('discovery.seconds', { n: s });
  return t('discovery.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

function JobItem({ ws, job, onChange }: { ws: string; job: Job; onChange: () => void }) {
  const action = useAction();
  const p = job.progress;
  const params = job.params as JobParams;
  const share = Math.round((p.share_read ?? 0) * 100);
  const cancel = async () => {
    await action.run(async () => {
      await api('post', '/api/v1/workspaces/{workspace}/jobs/{id}/cancel', { path: { workspace: ws, id: job.id } });
    });
    onChange();
  };
  const live = job.status === 'queued' || job.status === 'running';
  return (
    <li class={`job job-${job.status}`} data-testid="job">
      <p>
        <strong>{params.file_name ?? '?'}</strong>{' · '}
        <span class="job-status">{t(`job.${job.status}`)}</span>{' · '}
        {formatDate(job.created_at, true)}
        {params.dry_run ? ` · ${t('discovery.dry_run_short')}` : ''}
      </p>
      {job.status === 'running' && (
        <div class="job-progress">
          <progress max={100} value={share} aria-label={t('discovery.progress', { file: params.file_name ?? '' })}>{share}%</progress>
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
      {action.error && <ErrorMessage error={action.error} />}
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
  const list = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/spaces', {
    path: { workspace: ws }, query: { source: 'osm', status: ['reported'], limit: CANDIDATES, offset, sort: 'id' },
  }), [ws, offset, tick, localTick]);
  const sorted = [...(list.data?.items ?? [])].sort(
    (a, b) => ((b.source_attributes as Explanation).suitability?.value ?? 0) - ((a.source_attributes as Explanation).suitability?.value ?? 0),
  );
  const total = list.data?.total ?? 0;
  return (
    <section aria-labelledby="candidates-heading">
      <h2 id="candidates-heading">{t('discovery.review')}</h2>
      <Async state={list}>
        {() => (
          <>
            <p role="status">{t('discovery.to_review', { count: total })}</p>
            <ul class="candidates">
              {sorted.map((s) => <Candidate key={s.id} ws={ws} space={s} onDone={() => setLocalTick((n) => n + 1)} />)}
            </ul>
            <Pager offset={offset} size={CANDIDATES} total={total} onPage={setOffset} />
          </>
        )}
      </Async>
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
  const action = useAction();
  const busy = action.busy;
  const name = space.name || t('discovery.unnamed', { kind: t(`kind.${space.kind}`) });
  const headingId = `cand-${space.id}`;

  const move = (to: 'verified' | 'withdrawn', text: string) => action.run(async () => {
    await api('post', '/api/v1/workspaces/{workspace}/spaces/{id}/transitions', {
      path: { workspace: ws, id: space.id }, header: ifMatch(space.version), body: { to, reason: text },
    });
    onDone();
  });
  const dismiss = (e: Event) => {
    e.preventDefault();
    if (!reason.trim()) {
      setReasonMissing(true);
      return;
    }
    move('withdrawn', reason.trim());
  };
  const ctx = why.context ?? {};
  const reasonError = reasonMissing ? t('discovery.reason_required') : action.fields.get('/reason');
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
          <input id={`dismiss-${space.id}`} type="text" value={reason} {...invalidProps(`dismiss-${space.id}`, reasonError)}
            onInput={(e) => { setReason((e.target as HTMLInputElement).value); setReasonMissing(false); }} />
          <button type="submit" disabled={busy}>{t('discovery.dismiss_confirm')}</button>
          <button type="button" class="secondary" onClick={() => { setDismissing(false); setReasonMissing(false); }}>{t('common.cancel')}</button>
          <FieldError id={`dismiss-${space.id}`} error={reasonError} />
        </form>
      )}
      {action.error && !action.fields.has('/reason') && <ErrorMessage error={action.error} />}
    </li>
  );
}

function Factors({ caption, score }: { caption: string; score: ScoreInfo }) {
  return (
    <Table<Factor> caption={caption} showCaption rows={score.factors} rowKey={(f) => f.name} columns={[
      { header: t('discovery.factor'), cell: (f) => t(`factor.${f.name}`) },
      { header: t('discovery.weight'), cell: (f) => `${formatNumber(f.weight * 100)}%` },
      { header: t('discovery.normalised'), cell: (f) => formatNumber(f.normalised, 2) },
      { header: t('discovery.points'), cell: (f) => formatNumber(f.contribution, 1) },
    ]} />
  );
}
