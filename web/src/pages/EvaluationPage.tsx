// The jury's work on a call: the queue of eligible applications, and for each one a sheet with
// every criterion on its scale and a comment, or a declared conflict of interest. A submitted
// sheet is final; only then does the evaluator see the other evaluators' sheets (the API
// enforces it).

import { useEffect, useState } from 'preact/hooks';
import { api, UTILITIES, type Criterion, type EvaluationQueue } from '../api';
import { ErrorMessage, Loading } from '../components/Messages';
import { SignInPrompt } from '../components/StaffOnly';
import { useDocumentTitle, useLoad } from '../hooks';
import { formatDate, formatNumber, t } from '../i18n';
import { paths } from '../router';
import { useSession } from '../session';
import { ActionMessages, areaRange, offeredSpaces, period, score, useAction } from './CallParts';

type Item = EvaluationQueue['items'][number];

export function EvaluationPage({ ws, id }: { ws: string; id: number }) {
  const session = useSession();
  const call = useLoad(() => api.call(ws, id), [ws, id]);
  const queue = useLoad(() => (session ? api.evaluationQueue(ws, id) : Promise.resolve(null)), [ws, id, session?.id ?? null]);
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
  const others = useLoad(() => (final ? api.evaluations(ws, item.id) : Promise.resolve(null)), [ws, item.id, final]);
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
    await api.saveEvaluation(ws, item.id, { conflict_of_interest: conflict, conflict_note: conflict ? note : '', scores: body, submit });
    onSaved();
    return submit ? t('evaluation.sheet_submitted') : t('evaluation.sheet_saved');
  });

  const fe = (key: string) => action.error?.fields.get(`/scores/${key}/value`) ?? action.error?.fields.get(`/scores/${key}`);
  const hid = `sheet-${item.id}`;
  return (
    <article id={hid} class="sheet" aria-labelledby={`${hid}-h`} data-testid="sheet">
      <h2 id={`${hid}-h`}>{item.title}</h2>
      <dl class="details">
        <div><dt>{t('application.category')}</dt><dd>{t(`category.${item.category}`)}</dd></div>
        <div><dt>{t('application.description')}</dt><dd class="notes">{item.description || '–'}</dd></div>
        <div><dt>{t('application.area')}</dt><dd>{areaRange(item.needs.min_area_m2, item.needs.max_area_m2)} · {t(`setting.${item.needs.setting}`)}
          {UTILITIES.some((u) => item.needs.utilities[u]) && <> · {UTILITIES.filter((u) => item.needs.utilities[u]).map((u) => t(`utility.${u}`)).join(', ')}</>}</dd></div>
        <div><dt>{t('application.period')}</dt><dd>{item.period.duration_days != null
          ? t('application.flexible_text', { days: item.period.duration_days, window: period(item.period.earliest_start, item.period.latest_end) })
          : period(item.period.start, item.period.end)}</dd></div>
        <div><dt>{t('application.preferred')}</dt><dd>{item.preferred_spaces.map(spaceName).join(' › ') || '–'}</dd></div>
        <div><dt>{t('application.impact')}</dt><dd class="notes">{item.expected_impact || '–'}</dd></div>
        <div><dt>{t('application.team')}</dt><dd class="notes">{item.team || '–'}</dd></div>
        <div><dt>{t('application.budget')}</dt><dd>{item.budget_eur == null ? '–' : `${formatNumber(item.budget_eur)} €`}</dd></div>
        <div><dt>{t('application.documents')}</dt><dd>{item.attachments.length ? item.attachments.map((f, i) => (
          <span key={f.id}>{i > 0 && ', '}<a href={api.attachmentUrl(ws, item.id, f.id)} download={f.file_name}>{f.name}</a></span>
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
                    <label for={fid}>{t('evaluation.criterion_scale', { label: k.label, min: k.scale_min, max: k.scale_max })}</label>
                    {k.description && <p class="hint" id={`${fid}-d`}>{k.description}</p>}
                    <input id={fid} type="number" min={k.scale_min} max={k.scale_max} step="any" class="short" value={scores[k.key]?.value ?? ''}
                      aria-invalid={err ? true : undefined} aria-describedby={[k.description ? `${fid}-d` : '', err ? `${fid}-e` : ''].filter(Boolean).join(' ') || undefined}
                      onInput={(e) => setScores({ ...scores, [k.key]: { ...scores[k.key], value: (e.target as HTMLInputElement).value } })} />
                    {err && <p id={`${fid}-e`} class="field-error">{err}</p>}
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
            <p>{t('evaluation.aggregate', { score: score(others.data.aggregate.score), sheets: others.data.aggregate.sheets, min: score(others.data.aggregate.min), max: score(others.data.aggregate.max) })}</p>
          )}
          <div class="table-scroll">
            <table data-testid="other-sheets">
              <caption class="visually-hidden">{t('evaluation.all_sheets')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('evaluation.evaluator')}</th>
                  {criteria.map((k) => <th scope="col" key={k.key}>{k.label}</th>)}
                </tr>
              </thead>
              <tbody>
                {others.data.items.map((s) => (
                  <tr key={s.evaluator_id}>
                    <th scope="row">{s.evaluator_id === item.my_evaluation?.evaluator_id ? t('evaluation.you') : t('evaluation.evaluator_n', { n: s.evaluator_id })}
                      {!s.submitted_at && <span class="muted"> · {t('evaluation.draft')}</span>}</th>
                    {s.conflict_of_interest
                      ? <td colSpan={criteria.length}>{t('evaluation.conflict_declared')}</td>
                      : criteria.map((k) => (
                        <td key={k.key}>{s.scores[k.key] ? formatNumber(s.scores[k.key].value, 1) : '–'}{s.scores[k.key]?.comment && <p class="hint">{s.scores[k.key].comment}</p>}</td>
                      ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </article>
  );
}
