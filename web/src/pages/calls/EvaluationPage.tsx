// The jury's work on a call: the queue of eligible applications, and for each one a sheet with
// every criterion on its scale and a comment, or a declared conflict of interest. A submitted
// sheet is final; only then does the evaluator see the other evaluators' sheets (the API
// enforces it).

import { useEffect, useState } from 'preact/hooks';
import { api, href } from '../../api/client';
import { UTILITIES } from '../../api/enums';
import type { Criterion, Evaluation, EvaluationQueue } from '../../api/types';
import { FieldError, invalidProps } from '../../components/Field';
import { ActionMessages, ErrorMessage, Loading } from '../../components/Messages';
import { SignInPrompt } from '../../components/StaffOnly';
import { Table, type Column } from '../../components/Table';
import { useAction, useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';
import { paths } from '../../router';
import { useSession } from '../../session';
import { needsOf, periodText } from '../applications/shared';
import { areaRange, offeredSpaces, score } from './parts';

type Item = EvaluationQueue['items'][number];

export function EvaluationPage({ ws, id }: { ws: string; id: number }) {
  const session = useSession();
  const where = { workspace: ws, call: id };
  const call = useLoad(() => api('get', '/api/v1/workspaces/{workspace}/calls/{call}', { path: where }), [ws, id]);
  const queue = useLoad(
    () => (session ? api('get', '/api/v1/workspaces/{workspace}/calls/{call}/evaluation', { path: where }) : Promise.resolve(null)),
    [ws, id, session?.id ?? null],
  );
  useDocumentTitle(t('evaluation.title'));
  if (session === null) return <SignInPrompt />;
  if (call.error) return <ErrorMessage error={call.error} />;
  if (queue.error) {
    return (
      <section class="narrow">
        <h1>{t('evaluation.title')}</h1>
        {queue.error.status === 403 ? <p>{t('evaluation.not_evaluator')}</p> : <ErrorMessage error={queue.error} />}
      </section>
    );
  }
  if (!queue.data || !call.data) return <Loading />;
  const q = queue.data;
  const done = q.items.filter((a) => a.my_evaluation?.submitted_at).length;
  const spaceName = (sid: number) => offeredSpaces(call.data!).find((s) => s.id === sid)?.name ?? `#${sid}`;
  return (
    <section class="evaluation-page">
      <p class="breadcrumb"><a href={paths.call(ws, id)}>{call.data.title}</a></p>
      <h1>{t('evaluation.title_named', { title: call.data.title })}</h1>
      <p role="status" data-testid="queue-progress">{t('evaluation.progress', { done, total: q.items.length })}</p>
      {q.state !== 'evaluating' && <p class="callout">{t('evaluation.closed')}</p>}
      {q.items.length === 0 && <p>{t('evaluation.empty')}</p>}
      <nav aria-label={t('evaluation.queue')}>
        <ol class="queue">
          {q.items.map((a) => (
            <li key={a.id}>
              <a href={`#sheet-${a.id}`}>{a.title}</a> – {a.my_evaluation?.submitted_at ? t('evaluation.submitted') : a.my_evaluation ? t('evaluation.draft') : t('evaluation.todo')}
            </li>
          ))}
        </ol>
      </nav>
      {q.items.map((a) => (
        <Sheet key={a.id} ws={ws} item={a} criteria={q.criteria} open={q.state === 'evaluating'} spaceName={spaceName} onSaved={() => queue.reload()} />
      ))}
    </section>
  );
}

interface Scores { [key: string]: { value: string; comment: string } }

function Sheet({ ws, item, criteria, open, spaceName, onSaved }: {
  ws: string; item: Item; criteria: Criterion[]; open: boolean; spaceName: (id: number) => string; onSaved: () => void;
}) {
  const mine = item.my_evaluation;
  const initial = (): Scores => Object.fromEntries(criteria.map((k) => [k.key, {
    value: mine?.scores[k.key] ? String(mine.scores[k.key].value) : '',
    comment: mine?.scores[k.key]?.comment ?? '',
  }]));
  const [scores, setScores] = useState<Scores>(initial);
  const [conflict, setConflict] = useState(mine?.conflict_of_interest ?? false);
  const [note, setNote] = useState(mine?.conflict_note ?? '');
  const action = useAction();
  const busy = action.busy;
  const final = !!mine?.submitted_at;
  const others = useLoad(
    () => (final ? api('get', '/api/v1/workspaces/{workspace}/applications/{application}/evaluations', { path: { workspace: ws, application: item.id } }) : Promise.resolve(null)),
    [ws, item.id, final],
  );
  useEffect(() => {
    setScores(initial());
    setConflict(mine?.conflict_of_interest ?? false);
    setNote(mine?.conflict_note ?? '');
  }, [mine?.updated_at]);
  const disabled = final || !open || busy;

  const save = (submit: boolean) => action.run(async () => {
    const body: Record<string, { value: number; comment: string }> = {};
    if (!conflict) {
      for (const k of criteria) {
        const s = scores[k.key];
        if (s && s.value.trim() !== '') body[k.key] = { value: Number(s.value.replace(',', '.')), comment: s.comment };
      }
    }
    await api('put', '/api/v1/workspaces/{workspace}/applications/{application}/evaluation', {
      path: { workspace: ws, application: item.id },
      body: { conflict_of_interest: conflict, conflict_note: conflict ? note : '', scores: body, submit },
    });
    onSaved();
    return submit ? t('evaluation.sheet_submitted') : t('evaluation.sheet_saved');
  });

  const fe = (key: string) => action.fields.get(`/scores/${key}/value`) ?? action.fields.get(`/scores/${key}`);
  const hid = `sheet-${item.id}`;
  const needs = needsOf(item);
  return (
    <article id={hid} class="sheet" aria-labelledby={`${hid}-h`} data-testid="sheet">
      <h2 id={`${hid}-h`}>{item.title}</h2>
      <dl class="details">
        <div><dt>{t('application.category')}</dt><dd>{t(`category.${item.category}`)}</dd></div>
        <div><dt>{t('application.description')}</dt><dd class="notes">{item.description || '–'}</dd></div>
        <div><dt>{t('application.area')}</dt><dd>{areaRange(needs.min_area_m2, needs.max_area_m2)} · {t(`setting.${needs.setting}`)}
          {UTILITIES.some((u) => needs.utilities[u]) && <> · {UTILITIES.filter((u) => needs.utilities[u]).map((u) => t(`utility.${u}`)).join(', ')}</>}</dd></div>
        <div><dt>{t('application.period')}</dt><dd>{periodText(item)}</dd></div>
        <div><dt>{t('application.preferred')}</dt><dd>{(item.preferred_spaces ?? []).map(spaceName).join(' › ') || '–'}</dd></div>
        <div><dt>{t('application.impact')}</dt><dd class="notes">{item.expected_impact || '–'}</dd></div>
        <div><dt>{t('application.team')}</dt><dd class="notes">{item.team || '–'}</dd></div>
        <div><dt>{t('application.budget')}</dt><dd>{item.budget_eur == null ? '–' : `${formatNumber(item.budget_eur)} €`}</dd></div>
        <div><dt>{t('application.documents')}</dt><dd>{item.attachments.length ? item.attachments.map((f, i) => (
          <span key={f.id}>{i > 0 && ', '}<a href={href('/api/v1/workspaces/{workspace}/applications/{application}/attachments/{attachment}', { path: { workspace: ws, application: item.id, attachment: f.id } })} download={f.file_name}>{f.name}</a></span>
        )) : '–'}</dd></div>
      </dl>
      <form onSubmit={(e) => { e.preventDefault(); save(false); }} aria-label={t('evaluation.sheet_for', { title: item.title })}>
        <fieldset disabled={disabled}>
          <legend>{t('evaluation.conflict')}</legend>
          <label><input type="checkbox" checked={conflict} onChange={(e) => setConflict((e.target as HTMLInputElement).checked)} /> {t('evaluation.conflict_declare')}</label>
          {conflict && (
            <div class="field">
              <label for={`${hid}-coi`}>{t('evaluation.conflict_note')}</label>
              <input id={`${hid}-coi`} value={note} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
            </div>
          )}
        </fieldset>
        {!conflict && (
          <fieldset disabled={disabled}>
            <legend>{t('evaluation.scores')}</legend>
            {criteria.map((k) => {
              const fid = `${hid}-${k.key}`;
              const err = fe(k.key);
              return (
                <div class="criterion-score" key={k.key}>
                  <div class="field">
                    <label for={fid}>{t('evaluation.criterion_scale', { label: k.label, min: k.scale_min ?? 0, max: k.scale_max ?? 10 })}</label>
                    {k.description && <p class="hint" id={`${fid}-d`}>{k.description}</p>}
                    <input id={fid} type="number" min={k.scale_min} max={k.scale_max} step="any" class="short" value={scores[k.key]?.value ?? ''}
                      {...invalidProps(fid, err, k.description ? `${fid}-d` : undefined)}
                      onInput={(e) => setScores({ ...scores, [k.key]: { ...scores[k.key], value: (e.target as HTMLInputElement).value } })} />
                    <FieldError id={fid} error={err} />
                  </div>
                  <div class="field">
                    <label for={`${fid}-c`}>{t('evaluation.comment_on', { label: k.label })}</label>
                    <textarea id={`${fid}-c`} rows={2} value={scores[k.key]?.comment ?? ''}
                      onInput={(e) => setScores({ ...scores, [k.key]: { ...scores[k.key], comment: (e.target as HTMLTextAreaElement).value } })} />
                  </div>
                </div>
              );
            })}
          </fieldset>
        )}
        {!final && open && (
          <div class="actions">
            <button type="submit" class="secondary" disabled={busy}>{t('evaluation.save_draft')}</button>
            <button type="button" disabled={busy} onClick={() => save(true)}>{t('evaluation.submit')}</button>
          </div>
        )}
        {final && <p class="success">{t('evaluation.final', { at: formatDate(mine!.submitted_at, true) })}</p>}
      </form>
      <ActionMessages action={action} />
      {final && others.data && (
        <section aria-labelledby={`${hid}-others`}>
          <h3 id={`${hid}-others`}>{t('evaluation.all_sheets')}</h3>
          {others.data.aggregate && (
            <p>{t('evaluation.aggregate', { score: score(others.data.aggregate.score), sheets: others.data.aggregate.sheets ?? 0, min: score(others.data.aggregate.min), max: score(others.data.aggregate.max) })}</p>
          )}
          <Table<Evaluation> caption={t('evaluation.all_sheets')} testId="other-sheets" rows={others.data.items} rowKey={(s) => s.evaluator_id}
            span={(s) => (s.conflict_of_interest ? { from: 1, content: t('evaluation.conflict_declared') } : null)}
            columns={[
              { header: t('evaluation.evaluator'), rowHeader: true, cell: (s) => (
                <>{s.evaluator_id === item.my_evaluation?.evaluator_id ? t('evaluation.you') : t('evaluation.evaluator_n', { n: s.evaluator_id })}
                  {!s.submitted_at && <span class="muted"> · {t('evaluation.draft')}</span>}</>
              ) },
              ...criteria.map((k): Column<Evaluation> => ({
                header: k.label,
                cell: (s) => <>{s.scores[k.key] ? formatNumber(s.scores[k.key].value, 1) : '–'}{s.scores[k.key]?.comment && <p class="hint">{s.scores[k.key].comment}</p>}</>,
              })),
            ]} />
        </section>
      )}
    </article>
  );
}
