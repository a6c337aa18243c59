import type { ApiError } from '../api';
import { t } from '../i18n';

export function Loading() {
  return <p role="status">{t('common.loading')}</p>;
}

export function ErrorMessage({ error }: { error: ApiError }) {
  const text = error.status === 0 ? t('error.network') : error.status === 404 ? t('error.notfound') : error.message;
  return (
    <div class="error-box" role="alert">
      <p>{text}</p>
      {error.hint && <p class="hint">{error.hint}</p>}
    </div>
  );
}
