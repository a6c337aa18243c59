// The private page that follows a citizen's report, reached through the link given on sending it.

import { api } from '../../api/client';
import { Async } from '../../components/Async';
import { useDocumentTitle, useLoad } from '../../hooks';
import { formatDate, formatNumber, t } from '../../i18n';

export function FollowReportPage({ token }: { token: string }) {
  useDocumentTitle(t('report.follow_title'));
  const report = useLoad(() => api('get', '/api/v1/reports/{token}', { path: { token } }), [token]);
  return (
    <section class="narrow">
      <h1>{t('report.follow_title')}</h1>
      <Async state={report}>
        {(r) => (
          <dl class="details" data-testid="followed-report">
            <div><dt>{t('report.state')}</dt><dd>{t(`report_status.${r.status}`)}</dd></div>
            <div><dt>{t('report.sent')}</dt><dd>{formatDate(r.created_at, true)}</dd></div>
            <div><dt>{t('field.kind')}</dt><dd>{t(`kind.${r.kind}`)}</dd></div>
            <div><dt>{t('report.description')}</dt><dd>{r.description || '–'}</dd></div>
            <div><dt>{t('report.photos')}</dt><dd>{formatNumber(r.photo_count)}</dd></div>
            {r.decision_reason && <div><dt>{t('report.reason')}</dt><dd>{r.decision_reason}</dd></div>}
            {r.space?.href && <div><dt>{t('report.space')}</dt><dd><a href={new URL(r.space.href).pathname}>{t('report.open_space')}</a></dd></div>}
          </dl>
        )}
      </Async>
    </section>
  );
}

