// The public side of calls for temporary use: the list of a workspace's calls and the page of
// one call (its rules, the spaces it offers on a map and in a list, and the way to apply).

import { api } from '../../api/client';
import type { Call, CallState, Criterion } from '../../api/types';
import { Async } from '../../components/Async';
import { ErrorMessage, Loading } from '../../components/Messages';
import { Table } from '../../components/Table';
import { useDocumentTitle, useLoad, useWorkspace } from '../../hooks';
import { formatArea, formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { isStaff, useSession } from '../../session';
import { CallStateBadge, Instant, OfferedSpacesMap, offeredSpaces, period, useMe } from './parts';

const ORDER: CallState[] = ['open', 'evaluating', 'closed', 'decided', 'draft'];

export function CallsPage({ ws }: { ws: string }) {
  const workspace = useWorkspace(ws);
  const me = useSession();
  const calls = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls', { path: { workspace: ws } }).then((r) => r.items), [ws, me?.id ?? null]);
  useDocumentTitle(t('calls.title'));
  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  const sorted = [...(calls.data ?? [])].sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || (b.closes_at ?? '').localeCompare(a.closes_at ?? ''));
  const open = sorted.filter((c) => c.state === 'open');
  const others = sorted.filter((c) => c.state !== 'open');
  return (
    <section class="narrow">
      <p class="breadcrumb"><a href={paths.map(ws)}>{workspace.data?.name ?? ws}</a></p>
      <h1>{t('calls.title')}</h1>
      <p>{t('calls.intro')}</p>
      {isStaff(me, ws) && <p><a href={paths.callsAdmin(ws)}>{t('calls.back_office')}</a></p>}
      <Async state={calls}>
        {() => (
          <>
            <h2>{t('calls.open')}</h2>
            {open.length === 0 ? <p>{t('calls.none_open')}</p> : <CallList ws={ws} calls={open} />}
            {others.length > 0 && (
              <>
                <h2>{t('calls.past')}</h2>
                <CallList ws={ws} calls={others} />
              </>
            )}
          </>
        )}
      </Async>
    </section>
  );
}

function CallList({ ws, calls }: { ws: string; calls: Call[] }) {
  return (
    <ul class="cards call-cards">
      {calls.map((c) => (
        <li key={c.id}>
          <a href={paths.call(ws, c.id)}>{c.title}</a> <CallStateBadge state={c.state} />
          <p class="muted">
            {t('call.deadline')}: <Instant iso={c.closes_at} /> · {t('call.spaces_offered', { n: c.spaces.length })} · {t(`fee_model.${c.fee_model ?? 'free'}`)}
          </p>
        </li>
      ))}
    </ul>
  );
}

export function CallPage({ ws, id }: { ws: string; id: number }) {
  const workspace = useWorkspace(ws);
  const session = useSession();
  const call = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: { workspace: ws, call: id } }), [ws, id, session?.id ?? null]);
  useDocumentTitle(call.data?.title ?? t('calls.title'));
  if (call.error) return <ErrorMessage error={call.error} />;
  if (workspace.error) return <ErrorMessage error={workspace.error} />;
  if (!call.data || !workspace.data) return <Loading />;
  const c = call.data;
  const spaces = offeredSpaces(c);
  const totalWeight = c.criteria.reduce((n, k) => n + k.weight, 0) || 1;
  const eligibility = c.eligibility ?? {};
  const documents = c.documents_required ?? [];
  return (
    <article class="call-page">
      <p class="breadcrumb"><a href={paths.map(ws)}>{workspace.data.name}</a> › <a href={paths.calls(ws)}>{t('calls.title')}</a></p>
      <h1>{c.title}</h1>
      <p class="meta"><CallStateBadge state={c.state} /></p>
      <ApplyBox ws={ws} call={c} />
      {isStaff(session, ws) && <p><a href={paths.callManage(ws, c.id)}>{t('call.manage')}</a></p>}
      <EvaluateLink ws={ws} call={c} />
      {c.description && <p class="notes">{c.description}</p>}
      <div class="space-columns">
        <section aria-labelledby="call-terms">
          <h2 id="call-terms">{t('call.terms')}</h2>
          <dl class="details">
            <div><dt>{t('call.opens')}</dt><dd><Instant iso={c.opens_at} /></dd></div>
            <div><dt>{t('call.deadline')}</dt><dd data-testid="deadline"><Instant iso={c.closes_at} /></dd></div>
            <div><dt>{t('call.fee_model')}</dt><dd>{t(`fee_model.${c.fee_model ?? 'free'}`)}{c.fee_details && <> – {c.fee_details}</>}</dd></div>
            <div>
              <dt>{t('call.eligible_organisations')}</dt>
              <dd>{(eligibility.organisation_types ?? []).length === 0 ? t('call.any_organisation') : (eligibility.organisation_types ?? []).map((o) => t(`org_type.${o}`)).join(', ')}</dd>
            </div>
            <div>
              <dt>{t('call.duration')}</dt>
              <dd>{durationText(eligibility.min_duration_days, eligibility.max_duration_days)}</dd>
            </div>
            {c.matching?.preferences_required && <div><dt>{t('call.preferences')}</dt><dd>{t('call.preferences_required')}</dd></div>}
          </dl>
          <h3>{t('call.documents')}</h3>
          {documents.length === 0 ? <p>{t('call.no_documents')}</p> : (
            <ul>{documents.map((d) => <li key={d}>{d}</li>)}</ul>
          )}
          <h3>{t('call.criteria')}</h3>
          <Table<Criterion> caption={t('call.criteria')} rows={c.criteria} rowKey={(k) => k.key} columns={[
            { header: t('call.criterion'), cell: (k) => <><strong>{k.label}</strong>{k.description && <p class="hint">{k.description}</p>}</> },
            { header: t('call.weight'), cell: (k) => `${formatNumber((100 * k.weight) / totalWeight)} %` },
            { header: t('call.scale'), cell: (k) => `${k.scale_min}–${k.scale_max}` },
          ]} />
        </section>
        <section aria-labelledby="call-spaces">
          <h2 id="call-spaces">{t('call.spaces')}</h2>
          <OfferedSpacesMap workspace={workspace.data} call={c} spaces={spaces} />
          <ul class="space-list" data-testid="offered-spaces">
            {spaces.map((s) => (
              <li key={s.id}>
                <a href={paths.space(ws, s.id)}>{s.name}</a>
                <div class="meta">
                  <span>{t(`kind.${s.kind}`)}</span>
                  <span>{formatArea(s.floor_area_m2 ?? s.area_m2)}</span>
                  <span>{period(s.call.available_from, s.call.available_to)}</span>
                  <span>{t('call.capacity', { n: s.call.capacity })}</span>
                </div>
                {s.address && <div class="muted">{s.address}</div>}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </article>
  );
}

export function durationText(min: number | null | undefined, max: number | null | undefined): string {
  if (min && max) return t('call.duration_between', { min, max });
  if (min) return t('call.duration_min', { min });
  if (max) return t('call.duration_max', { max });
  return t('call.duration_any');
}

// Who may apply: signed-in members of an organisation of the workspace, while the call takes
// applications.
function ApplyBox({ ws, call }: { ws: string; call: Call }) {
  const me = useMe();
  if (!call.accepting_applications) {
    return <p class="callout">{call.state === 'open' ? t('call.not_accepting_yet') : t('call.not_accepting')}</p>;
  }
  if (me.loading && !me.data) return null;
  if (!me.data) {
    return (
      <p class="callout">
        {t('call.accepting')} <a class="button" href={paths.login(location.pathname)}>{t('call.sign_in_to_apply')}</a>
      </p>
    );
  }
  const orgs = me.data.roles.find((r) => r.workspace === ws)?.organisations ?? [];
  if (orgs.length === 0) return <p class="callout">{t('call.accepting')} {t('call.no_organisation')}</p>;
  return (
    <p class="callout">
      {t('call.accepting')} <a class="button" href={paths.apply(ws, call.id)}>{t('call.apply')}</a>{' '}
      <a href={paths.myApplications()}>{t('applications.mine')}</a>
    </p>
  );
}

// Evaluators find their queue from the call's page (the API says whether they are one).
function EvaluateLink({ ws, call }: { ws: string; call: Call }) {
  const session = useSession();
  const queue = useLoad(
    () => (session && (call.state === 'evaluating' || call.state === 'decided')
      ? api('get', '/api/v1/workspaces/{workspace}/calls/{call}/evaluation', { path: { workspace: ws, call: call.id } })
      : Promise.resolve(null)),
    [ws, call.id, call.state, session?.id ?? null],
  );
  if (!queue.data) return null;
  return <p><a class="button secondary" href={paths.evaluate(ws, call.id)}>{t('call.evaluate', { n: queue.data.items.length })}</a></p>;
}
