// The matching of a call, for officers: run the allocation engine, review the proposal (pairs,
// objective, solver, proof of optimality or the gap left), read the explanation for every
// application, lock or exclude pairs and run again, then publish the decisions.

import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api/client';
import { SOLVERS } from '../../api/enums';
import type { Call, MatchingAdjustment, MatchingAssignment, MatchingProposal, Solver } from '../../api/types';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { Table } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { CallStateBadge, ExplanationView, offeredSpaces, period, score } from './parts';

export function CallMatchingPage({ ws, id }: { ws: string; id: number }) {
  const where = { workspace: ws, call: id };
  const call = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: where }), [ws, id]);
  const apps = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}/applications', { path: where }).then((r) => r.items), [ws, id]);
  // No proposal yet answers 404: that is not an error here.
  const proposal = useLoad(
    () => api('get', '/api/v1/workspaces/{workspace}/calls/{call}/matching', { path: where })
      .catch((e: ApiError) => (e.status === 404 ? null : Promise.reject(e))),
    [ws, id],
  );
  const [solver, setSolver] = useState<Solver>('auto');
  const action = useAction();
  const busy = action.busy;
  const [solving, setSolving] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // The proposal a run just returned, shown at once (it answers the current input).
  const [latest, setLatest] = useState<MatchingProposal | null>(null);
  useDocumentTitle(t('matching.title'));
  if (call.error) return <ErrorMessage error={call.error} />;
  if (!call.data) return <Loading />;
  const c = call.data;
  const p = latest ?? proposal.data;
  const adjustments = c.adjustments ?? [];
  const evaluating = c.state === 'evaluating';
  const titleOf = (aid: number) => apps.data?.find((a) => a.id === aid)?.title ?? `#${aid}`;
  const spaceOf = (sid: number) => offeredSpaces(c).find((s) => s.id === sid)?.name ?? `#${sid}`;

  // A run may take the solver's whole time limit: say that it is running.
  const solve = async () => {
    setSolving(true);
    try {
      setLatest({ ...(await api('post', '/api/v1/workspaces/{workspace}/calls/{call}/matching', { path: where, body: { solver } })), current: true });
    } finally {
      setSolving(false);
    }
  };
  const run = () => action.run(async () => {
    await solve();
    return t('matching.done');
  });

  const adjust = (items: MatchingAdjustment[], rerun: boolean) => action.run(async () => {
    await api('put', '/api/v1/workspaces/{workspace}/calls/{call}/adjustments', { path: where, body: { items } });
    call.reload();
    if (!rerun) {
      if (p) setLatest({ ...p, current: false });
      return t('matching.adjusted');
    }
    await solve();
    return t('matching.adjusted_rerun');
  });
  const withPair = (application_id: number, space_id: number, locked: boolean) => [
    // A lock replaces the application's other lock; a pair appears once.
    ...adjustments.filter((a) => !(a.application_id === application_id && (a.space_id === space_id || (locked && a.locked)))),
    { application_id, space_id, locked },
  ];

  const publish = () => action.run(async () => {
    const r = await api('post', '/api/v1/workspaces/{workspace}/calls/{call}/publish', { path: where, body: {} });
    setConfirming(false);
    call.reload();
    return t('matching.published', { decisions: r.decisions, allocated: r.allocated, mails: r.mails });
  });

  return (
    <section class="matching-page">
      <p class="breadcrumb"><a href={paths.callsAdmin(ws)}>{t('calls_admin.title')}</a> › <a href={paths.callManage(ws, c.id)}>{c.title}</a></p>
      <h1>{t('matching.title_named', { title: c.title })}</h1>
      <p class="meta"><CallStateBadge state={c.state} /></p>
      {evaluating && (
        <form class="inline-form" onSubmit={(e) => { e.preventDefault(); run(); }}>
          <label for="mt-solver">{t('matching.solver')}</label>
          <select id="mt-solver" value={solver} onChange={(e) => setSolver((e.target as HTMLSelectElement).value as Solver)}>
            {SOLVERS.map((s) => <option key={s} value={s}>{t(`solver.${s}`)}</option>)}
          </select>
          <button type="submit" disabled={busy}>{p ? t('matching.rerun') : t('matching.run')}</button>
        </form>
      )}
      {solving && <p class="muted" role="status">{t('matching.running')}</p>}
      <ActionMessages action={action} />
      {proposal.error && <ErrorMessage error={proposal.error} />}
      {proposal.loading && !p && <Loading />}
      {!proposal.loading && !p && <p>{t('matching.none')}</p>}
      {p && <Proposal p={p} call={c} titleOf={titleOf} spaceOf={spaceOf} busy={busy || !evaluating} ws={ws}
        onLock={(a, s) => adjust(withPair(a, s, true), true)} onExclude={(a, s) => adjust(withPair(a, s, false), true)} />}

      {adjustments.length > 0 && (
        <section aria-labelledby="adj-heading">
          <h2 id="adj-heading">{t('matching.adjustments')}</h2>
          <ul data-testid="adjustments">
            {adjustments.map((a) => (
              <li key={`${a.application_id}-${a.space_id}`}>
                {t(a.locked ? 'matching.locked_pair' : 'matching.excluded_pair', { title: titleOf(a.application_id), space: spaceOf(a.space_id) })}{' '}
                {evaluating && <button type="button" class="link-button" disabled={busy}
                  onClick={() => adjust(adjustments.filter((x) => x !== a), true)}>{t('matching.undo')}</button>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {evaluating && p && (
        <section aria-labelledby="publish-heading" class="publish">
          <h2 id="publish-heading">{t('matching.publish')}</h2>
          <p>{t('matching.publish_text')}</p>
          {p.current === false && <p class="error-box">{t('matching.stale')}</p>}
          {!confirming ? (
            <button type="button" disabled={busy} onClick={() => setConfirming(true)}>{t('matching.publish')}</button>
          ) : (
            <div role="group" aria-labelledby="publish-confirm" class="actions">
              <p id="publish-confirm"><strong>{t('matching.publish_confirm', { n: p.assignments.length })}</strong></p>
              <button type="button" class="danger" disabled={busy} onClick={publish}>{t('matching.publish_yes')}</button>
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
            </div>
          )}
        </section>
      )}
      {c.state === 'decided' && <p class="callout">{t('matching.decided', { at: formatDate(c.decided_at, true) })}</p>}
    </section>
  );
}

function Proposal({ p, call, titleOf, spaceOf, busy, ws, onLock, onExclude }: {
  p: MatchingProposal; call: Call; titleOf: (id: number) => string; spaceOf: (id: number) => string; busy: boolean; ws: string;
  onLock: (app: number, space: number) => void; onExclude: (app: number, space: number) => void;
}) {
  const spaces = offeredSpaces(call);
  return (
    <>
      <section aria-labelledby="proposal-heading">
        <h2 id="proposal-heading">{t('matching.proposal')}</h2>
        <dl class="details" data-testid="proposal-summary">
          <div><dt>{t('matching.run_at')}</dt><dd>{formatDate(p.run_at, true)}{p.current === false && <strong> · {t('matching.outdated')}</strong>}</dd></div>
          <div><dt>{t('matching.solver')}</dt><dd>{t(`solver.${p.solver}`)}</dd></div>
          <div><dt>{t('matching.quality')}</dt><dd>{p.optimal ? t('matching.optimal') : t('matching.gap', { gap: formatNumber(100 * p.gap, 2) })}</dd></div>
          <div><dt>{t('matching.objective')}</dt><dd>{formatNumber(p.objective, 3)}{p.bound != null && !p.optimal && <> ({t('matching.bound', { bound: formatNumber(p.bound, 3) })})</>}</dd></div>
          <div><dt>{t('matching.candidates')}</dt><dd>{formatNumber(p.candidates ?? p.explanations.length)}</dd></div>
          <div><dt>{t('matching.allocated')}</dt><dd>{formatNumber(p.assignments.length)}</dd></div>
          {p.seconds != null && <div><dt>{t('matching.seconds')}</dt><dd>{formatNumber(p.seconds, 2)} s</dd></div>}
        </dl>
        {p.assignments.length > 0 && (
          <Table<MatchingAssignment> caption={t('matching.pairs')} showCaption testId="assignments" rows={p.assignments} rowKey={(a) => `${a.request}-${a.space}`} columns={[
            { header: t('application.title_field'), cell: (a) => <a href={paths.application(ws, a.request)}>{a.title || titleOf(a.request)}</a> },
            { header: t('matching.space'), cell: (a) => <>{a.space_name || spaceOf(a.space)}{a.locked && <span class="muted"> · {t('matching.locked')}</span>}</> },
            { header: t('application.period'), cell: (a) => period(a.start, a.end) },
            { header: t('matching.contribution'), cell: (a) => (
              <span title={a.terms ? t('matching.terms', { score: formatNumber(a.terms.score, 2), area: formatNumber(a.terms.area_fit, 2), preference: formatNumber(a.terms.preference, 2), distance: formatNumber(a.terms.distance, 2) }) : undefined}>
                {formatNumber(a.contribution, 3)}
              </span>
            ) },
            { header: t('admin.actions'), hiddenHeader: true, class: 'row-actions', cell: (a) => {
              const title = a.title || titleOf(a.request);
              const space = a.space_name || spaceOf(a.space);
              return (
                <>
                  {!a.locked && <button type="button" class="secondary" disabled={busy} onClick={() => onLock(a.request, a.space)}
                    aria-label={t('matching.lock_named', { title, space })}>{t('matching.lock')}</button>}{' '}
                  <button type="button" class="secondary" disabled={busy} onClick={() => onExclude(a.request, a.space)}
                    aria-label={t('matching.exclude_named', { title, space })}>{t('matching.exclude')}</button>
                </>
              );
            } },
          ]} />
        )}
      </section>
      <section aria-labelledby="explanations-heading">
        <h2 id="explanations-heading">{t('matching.explanations')}</h2>
        {p.explanations.map((e) => {
          const title = e.title || titleOf(e.request);
          return (
            <details key={e.request} class="explanation-item">
              <summary>{title} – {e.assignment ? t('matching.gets', { space: e.assignment.space_name || spaceOf(e.assignment.space) }) : t('matching.gets_nothing')} · {t('decision.score', { score: score(e.score) })}</summary>
              <ExplanationView ws={ws} explanation={e} spaceName={spaceOf} />
              {!busy && !e.assignment && spaces.length > 0 && (
                <LockForm uid={e.request} title={title} spaces={spaces.map((s) => ({ id: s.id, name: s.name }))} onLock={(sid) => onLock(e.request, sid)} />
              )}
            </details>
          );
        })}
      </section>
    </>
  );
}

function LockForm({ uid, title, spaces, onLock }: { uid: number; title: string; spaces: { id: number; name: string }[]; onLock: (space: number) => void }) {
  const [choice, setChoice] = useState('');
  const id = `lock-${uid}`;
  return (
    <form class="inline-form" onSubmit={(e) => { e.preventDefault(); if (choice) onLock(Number(choice)); }}>
      <label for={id}>{t('matching.lock_to', { title })}</label>
      <select id={id} value={choice} onChange={(e) => setChoice((e.target as HTMLSelectElement).value)}>
        <option value="">–</option>
        {spaces.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      <button type="submit" class="secondary" disabled={!choice}>{t('matching.lock')}</button>
    </form>
  );
}
