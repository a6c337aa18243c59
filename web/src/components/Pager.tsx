import { t } from '../i18n';

// Previous and next pages of a list of `total` items shown `size` at a time from `offset`.
export function Pager({ offset, size, total, onPage }: { offset: number; size: number; total: number; onPage: (offset: number) => void }) {
  return (
    <nav class="pager" aria-label={t('admin.pages')}>
      {offset > 0 && <button type="button" onClick={() => onPage(Math.max(0, offset - size))}>{t('admin.previous')}</button>}
      {offset + size < total && <button type="button" onClick={() => onPage(offset + size)}>{t('admin.next')}</button>}
    </nav>
  );
}
