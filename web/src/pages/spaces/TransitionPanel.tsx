// A space's status change in the back office: to one of the allowed statuses, with a reason
// kept in its history.

import { useEffect, useState } from 'preact/hooks';
import { api, ifMatch } from '../../api/client';
import type { Space, SpaceStatus } from '../../api/types';
import { Field } from '../../components/Field';
import { ErrorMessage, StatusMessage } from '../../components/Messages';
import { StatusBadge } from '../../components/Status';
import { useAction } from '../../hooks';
import { t } from '../../i18n';

export function TransitionPanel({ ws, space, onDone }: { ws: string; space: Space; onDone: (s: Space) => void }) {
  const [to, setTo] = useState<SpaceStatus | ''>(space.allowed_transitions[0] ?? '');
  const [reason, setReason] = useState('');
  const action = useAction();
  useEffect(() => setTo(space.allowed_transitions[0] ?? ''), [space.status]);

  const submit = (e: Event) => {
    e.preventDefault();
    if (!to) return;
    action.run(async () => {
      const next = await api('post', '/api/v1/workspaces/{workspace}/spaces/{id}/transitions', {
        path: { workspace: ws, id: space.id }, header: ifMatch(space.version), body: { to, reason },
      });
      setReason('');
      onDone(next);
      return t('transition.done');
    });
  };
  const reasonError = action.fields.get('/reason');
  return (
    <section class="transition" aria-labelledby="transition-heading">
      <h2 id="transition-heading">{t('transition.title')}</h2>
      <p>{t('transition.current')} <StatusBadge status={space.status} /></p>
      {space.allowed_transitions.length === 0 ? (
        <p>{t('transition.final')}</p>
      ) : (
        <form onSubmit={submit} noValidate>
          <Field id="t-to" label={t('transition.to')}>
            <select value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value as SpaceStatus)}>
              {space.allowed_transitions.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
            </select>
          </Field>
          <Field id="t-reason" label={t('transition.reason')} error={reasonError}>
            <textarea rows={2} value={reason} onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)} />
          </Field>
          <button type="submit" disabled={action.busy}>{t('transition.submit')}</button>
        </form>
      )}
      {action.error && !reasonError && <ErrorMessage error={action.error} />}
      <StatusMessage text={action.status} />
    </section>
  );
}
