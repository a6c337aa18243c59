// The page of one application: its status, the eligibility verdict and, once published, the
// decision explained; its members may submit a draft or withdraw it.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { UTILITIES } from '../../api/enums';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { SignInPrompt } from '../../components/StaffOnly';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { useSession } from '../../session';
import { areaRange, CallStateBadge, eligibilityReason, ExplanationView, Instant, offeredSpaces, useMe } from '../calls/parts';
import { attachmentHref, getApplication, getCall, needsOf, periodText, submitApplication, submitted } from './shared';

export function ApplicationPage({ ws, id }: { ws: string; id: number }) {
  const session = useSession();
  const me = useMe();
  const app = useLoad(() => getApplication(ws, id), [ws, id, session?.id ?? null]);
  const call = useLoad(() => (app.data ? getCall(ws, app.data.call_id) : Promise.resolve(null)), [ws, app.data?.call_id]);
  const [warnings, setWarnings] = useState(() => submitted.get(id) ?? null);
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  useEffect(() => () => { submitted.delete(id); }, [id]);
  useDocumentTitle(app.data?.title ?? t('application.title'));
  if (session === null) return <SignInPrompt />;
  if (app.error) return <ErrorMessage error={app.error} />;
  if (!app.data) return <Loading />;
  const a = app.data;
  const c = call.data;
  const needs = needsOf(a);
  const org = me.data?.roles.find((r) => r.workspace === ws)?.organisations.find((o) => o.id === a.organisation_id);
  const member = !!org;
  const writable = member && !!c?.accepting_applications;
  const spaceName = (sid: number) => (c ? offeredSpaces(c).find((s) => s.id === sid)?.name : undefined) ?? `#${sid}`;

  const act = (f: () => Promise<unknown>, done: string) => action.run(async () => {
    await f();
    setConfirming(false);
    app.reload();
    return done;
  });

  return (
    <article class="narrow application-page">
      <p class="breadcrumb">
        <a href={paths.myApplications()}>{t('applications.mine')}</a>
        {c && <> › <a href={paths.call(ws, c.id)}>{c.title}</a></>}
      </p>
      <h1>{a.title}</h1>
      {warnings && (
        <div class={warnings.length ? 'error-box' : 'callout'} role="status" data-testid="submit-result">
          <p>{t('application.submitted_now')}</p>
          {warnings.length > 0 && (
            <>
              <p>{t('application.warnings')}</p>
              <ul>{warnings.map((w) => <li key={w}>{eligibilityReason(w)}</li>)}</ul>
            </>
          )}
        </div>
      )}
      <dl class="details" data-testid="application-status">
        <div><dt>{t('application.status')}</dt><dd>{t(`application_status.${a.status}`)}</dd></div>
        {c && <div><dt>{t('application.call')}</dt><dd><a href={paths.call(ws, c.id)}>{c.title}</a> <CallStateBadge state={c.state} /></dd></div>}
        <div><dt>{t('application.organisation')}</dt><dd>{org?.name ?? `#${a.organisation_id}`}</dd></div>
        {a.submitted_at && <div><dt>{t('application.submitted_at')}</dt><dd><Instant iso={a.submitted_at} /></dd></div>}
        <div>
          <dt>{t('application.eligibility')}</dt>
          <dd data-testid="eligibility">
            {t(`eligibility_status.${a.eligibility.status}`)}
            {a.eligibility.by_officer && <span class="muted"> · {t('application.by_officer')}</span>}
            {a.eligibility.reasons.length > 0 && <ul>{a.eligibility.reasons.map((r) => <li key={r}>{eligibilityReason(r)}</li>)}</ul>}
            {a.eligibility.note && <p>{a.eligibility.note}</p>}
          </dd>
        </div>
      </dl>

      {a.decision && a.decision.outcome !== 'none' && (
        <section aria-labelledby="decision-heading" class="decision" data-testid="decision">
          <h2 id="decision-heading">{t('decision.title')}: {t(`outcome.${a.decision.outcome}`)}</h2>
          <ExplanationView ws={ws} explanation={a.decision.explanation} spaceName={spaceName} />
        </section>
      )}

      {writable && a.status !== 'withdrawn' && (
        <div class="actions">
          {a.status === 'draft' && <a class="button" href={paths.applicationEdit(ws, a.id)}>{t('application.edit')}</a>}
          {a.status === 'draft' && <button type="button" disabled={action.busy} onClick={() => act(async () => {
            setWarnings((await submitApplication(ws, a.id)).warnings ?? []);
          }, '')}>{t('application.submit')}</button>}
          {!confirming ? (
            <button type="button" class="secondary" onClick={() => setConfirming(true)}>{t('application.withdraw')}</button>
          ) : (
            <span role="group" aria-label={t('application.withdraw')}>
              {t('application.withdraw_confirm')}{' '}
              <button type="button" class="danger" disabled={action.busy} onClick={() => act(() => api('post', '/api/v1/workspaces/{workspace}/applications/{application}/withdraw', { path: { workspace: ws, application: a.id } }), t('application.withdrawn'))}>{t('application.withdraw_yes')}</button>{' '}
              <button type="button" class="secondary" onClick={() => setConfirming(false)}>{t('common.cancel')}</button>
            </span>
          )}
        </div>
      )}
      <ActionMessages action={action} />

      <section aria-labelledby="app-details">
        <h2 id="app-details">{t('application.details')}</h2>
        <dl class="details">
          <div><dt>{t('application.category')}</dt><dd>{a.category ? t(`category.${a.category}`) : '–'}</dd></div>
          <div><dt>{t('application.description')}</dt><dd class="notes">{a.description || '–'}</dd></div>
          <div><dt>{t('application.area')}</dt><dd>{areaRange(needs.min_area_m2, needs.max_area_m2)}</dd></div>
          <div><dt>{t('application.setting')}</dt><dd>{t(`setting.${needs.setting}`)}</dd></div>
          <div><dt>{t('application.utilities')}</dt><dd>{UTILITIES.filter((u) => needs.utilities[u]).map((u) => t(`utility.${u}`)).join(', ') || '–'}</dd></div>
          <div><dt>{t('application.step_free')}</dt><dd>{needs.step_free_access ? t('common.yes') : t('common.no')}</dd></div>
          <div><dt>{t('application.period')}</dt><dd>{periodText(a)}</dd></div>
          <div><dt>{t('application.preferred')}</dt><dd>{a.preferred_spaces?.length ? <ol>{a.preferred_spaces.map((s) => <li key={s}>{spaceName(s)}</li>)}</ol> : '–'}</dd></div>
          <div><dt>{t('application.impact')}</dt><dd class="notes">{a.expected_impact || '–'}</dd></div>
          <div><dt>{t('application.team')}</dt><dd class="notes">{a.team || '–'}</dd></div>
          <div><dt>{t('application.budget')}</dt><dd>{a.budget_eur == null ? '–' : `${formatNumber(a.budget_eur)} €`}</dd></div>
          <div><dt>{t('application.documents')}</dt><dd>{a.attachments.length ? (
            <ul>{a.attachments.map((f) => <li key={f.id}>{f.name}: <a href={attachmentHref(ws, a.id, f.id)} download={f.file_name}>{f.file_name}</a></li>)}</ul>
          ) : '–'}</dd></div>
        </dl>
      </section>
    </article>
  );
}

