// The page that runs one call for officers: its state, its jury, the applications with their
// eligibility verdicts, the ranking and the shortlist.

import { useState } from 'preact/hooks';
import { api, ApiError, ifMatch } from '../../api/client';
import { ELIGIBILITY_REASONS } from '../../api/enums';
import type { Application, Call, CallState, CallTransition, Ranking } from '../../api/types';
import { Async } from '../../components/Async';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { Table, type Column } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { isStaff, useSession } from '../../session';
import { CallStateBadge, eligibilityReason, Instant, offeredSpaces, score } from './parts';

type RankingRow = Ranking['items'][number];


const NEXT: Partial<Record<CallState, CallTransition['to']>> = { draft: 'open', open: 'closed', closed: 'evaluating' };

export function CallManagePage({ ws, id }: { ws: string; id: number }) {
  const where = { workspace: ws, call: id };
  const call = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: where }), [ws, id]);
  const apps = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}/applications', { path: where }).then((r) => r.items), [ws, id, call.data?.state]);
  const orgs = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/organisations', { path: { workspace: ws }, query: { limit: 1000 } }).then((r) => r.items), [ws]);
  const action = useAction();
  useDocumentTitle(call.data?.title ?? t('calls_admin.title'));
  if (call.error) return <ErrorMessage error={call.error} />;
  if (!call.data) return <Loading />;
  const c = call.data;
  const orgName = (oid: number) => orgs.data?.find((o) => o.id === oid)?.name ?? `#${oid}`;
  const next = NEXT[c.state];

  const transition = (to: CallTransition['to']) => action.run(async () => {
    await api('post', '/api/v1/workspaces/{workspace}/calls/{call}/transitions', { path: where, body: { to } });
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
        <div><dt>{t('call.documents')}</dt><dd>{(c.documents_required ?? []).join(', ') || '–'}</dd></div>
      </dl>

      {c.state !== 'decided' && <Evaluators ws={ws} call={c} onSaved={() => call.reload()} />}

      {c.state !== 'draft' && (
        <section aria-labelledby="apps-heading">
          <h2 id="apps-heading">{t('call_manage.applications')}</h2>
          <Async state={apps} empty={t('call_manage.no_applications')}>
            {(list) => (
              <Table<Application> caption={t('call_manage.applications')} testId="applications" rows={list} rowKey={(a) => a.id} columns={[
                { header: t('application.title_field'), cell: (a) => <a href={paths.application(ws, a.id)}>{a.title}</a> },
                { header: t('application.organisation'), cell: (a) => orgName(a.organisation_id) },
                { header: t('application.status'), cell: (a) => t(`application_status.${a.status}`) },
                { header: t('application.submitted_at'), cell: (a) => formatDate(a.submitted_at, true) },
                { header: t('application.eligibility'), cell: (a) => <EligibilityCell ws={ws} call={c} app={a} onSaved={() => apps.reload()} /> },
              ]} />
            )}
          </Async>
        </section>
      )}

      {(c.state === 'evaluating' || c.state === 'decided') && <RankingSection ws={ws} call={c} />}
    </section>
  );
}

// The verdict of the rules, and the officer's confirmation or overruling with reason codes.
function EligibilityCell({ ws, call, app, onSaved }: { ws: string; call: Call; app: Application; onSaved: () => void }) {
  const e = app.eligibility;
  const codes = [...ELIGIBILITY_REASONS.slice(0, -2),
    ...(call.documents_required ?? []).map((d) => `document_missing:${d}`), ...ELIGIBILITY_REASONS.slice(-2)];
  const [verdict, setVerdict] = useState<'eligible' | 'ineligible'>(e.status === 'ineligible' ? 'ineligible' : 'eligible');
  const [reasons, setReasons] = useState<string[]>(e.reasons);
  const [note, setNote] = useState(e.note);
  const action = useAction();
  const editable = app.status === 'submitted' && (call.state === 'closed' || call.state === 'evaluating');
  const save = (ev: Event) => {
    ev.preventDefault();
    action.run(async () => {
      await api('put', '/api/v1/workspaces/{workspace}/applications/{application}/eligibility', {
        path: { workspace: ws, application: app.id },
        body: verdict === 'eligible' ? { status: 'eligible', note } : { status: 'ineligible', reasons, note },
      });
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
  const members = useLoad(() => (admin ? api('get', '/api/v1/workspaces/{workspace}/members', { path: { workspace: ws } }).then((r) => r.items) : Promise.resolve(null)), [ws, admin]);
  const [choice, setChoice] = useState('');
  const action = useAction();
  const current = (call.evaluators ?? []) as number[];
  const label = (uid: number) => {
    const m = call.jury?.find((x) => x.user_id === uid);
    return m ? (m.display_name ? `${m.display_name} <${m.email}>` : m.email) : t('call_manage.account_n', { n: uid });
  };
  const save = (list: Array<number | string>) => action.run(async () => {
    await api('patch', '/api/v1/workspaces/{workspace}/calls/{call}', { path: { workspace: ws, call: call.id }, header: ifMatch(call.version), body: { evaluators: list } });
    setChoice('');
    onSaved();
    return t('call_manage.jury_saved');
  });
  const add = (e: Event) => {
    e.preventDefault();
    const raw = choice.trim();
    if (!raw.includes('@')) {
      action.fail(new ApiError(400, t('call_manage.unknown_evaluator', { value: raw })));
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
  const ranking = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}/ranking', { path: { workspace: ws, call: call.id } }), [ws, call.id, call.version]);
  const action = useAction();
  const shortlist = (appId: number, on: boolean) => action.run(async () => {
    await api('put', '/api/v1/workspaces/{workspace}/applications/{application}/shortlist', { path: { workspace: ws, application: appId }, body: { shortlisted: on } });
    ranking.reload();
  });
  return (
    <section aria-labelledby="ranking-heading">
      <h2 id="ranking-heading">{t('call_manage.ranking')}</h2>
      <ActionMessages action={action} />
      <Async state={ranking}>
        {(rk) => (
          <>
            <p class="hint">{t('call_manage.ranking_hint', { aggregation: t(`call_form.${rk.aggregation}`), evaluators: rk.evaluators })}</p>
            {rk.items.length === 0 ? <p>{t('call_manage.no_ranking')}</p> : (
              <Table<RankingRow> caption={t('call_manage.ranking')} testId="ranking" rows={rk.items} rowKey={(r) => r.application_id} columns={[
                { header: t('call_manage.rank'), cell: (r) => r.rank },
                { header: t('application.title_field'), cell: (r) => (
                  <><a href={paths.application(ws, r.application_id)}>{r.title}</a>{r.category && <span class="muted"> · {t(`category.${r.category}`)}</span>}</>
                ) },
                { header: t('call_manage.score'), cell: (r) => score(r.score) },
                { header: t('call_manage.sheets'), cell: (r) => r.sheets },
                { header: t('call_manage.spread'), cell: (r) => (r.sheets > 0 ? t('call_manage.spread_value', { min: score(r.min), max: score(r.max), sd: score(r.stddev) }) : '–') },
                ...call.criteria.map((k): Column<RankingRow> => ({
                  header: k.label, cell: (r) => (r.criteria?.[k.key] == null ? '–' : formatNumber(r.criteria[k.key], 1)),
                })),
                { header: t('call_manage.shortlisted'), cell: (r) => (
                  <label>
                    <input type="checkbox" checked={!!r.shortlisted} disabled={call.state !== 'evaluating' || action.busy} onChange={(e) => shortlist(r.application_id, (e.target as HTMLInputElement).checked)} />
                    <span class="visually-hidden">{t('call_manage.shortlist_named', { title: r.title ?? '' })}</span>
                  </label>
                ) },
              ]} />
            )}
          </>
        )}
      </Async>
      <p class="hint">{t('call_manage.shortlist_hint')}</p>
    </section>
  );
}
