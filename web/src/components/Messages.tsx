import type { ApiError } from '../api';
import { t } from '../i18n';

export function Loading() {
  return <p role="status">{t('common.loading')}</p>;
}

export function ErrorMessage({ error }: { error: ApiError }) {
  // Refusals for now (too many requests, a server that cannot send mail or is busy) in the
  // reader's language; the server's own words follow as the hint.
  const text =
    error.status === 0 ? t('error.network')
    : error.status === 404 ? t('error.notfound')
    : error.status === 429 ? t('error.too_many')
    : error.status === 503 ? t('error.unavailable')
    : error.message;
  const hint = error.status === 429 || error.status === 503 ? error.message : error.hint;
  return (
    <div class="error-box" role="alert">
      <p>{text}</p>
      {hint && <p class="hint">{hint}</p>}
    </div>
  );
}
