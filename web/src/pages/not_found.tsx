// Shown for a path that no route matches (the server hands every non-file path to the shell).
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { Link, usePath } from '../router';

export function NotFoundPage() {
  const { t } = useI18n();
  const path = usePath();
  return (
    <>
      <PageHeading>{t('page.not_found.title')}</PageHeading>
      <section class="card">
        <p>{t('page.not_found.body', { path })}</p>
        <p>
          <Link href="/">{t('page.not_found.home')}</Link>
        </p>
      </section>
    </>
  );
}
