import { t } from '../../i18n';

export function NotFoundPage() {
  return (
    <section>
      <h1>{t('notfound.title')}</h1>
      <p>{t('notfound.text')}</p>
      <a href="/">{t('nav.home')}</a>
    </section>
  );
}
