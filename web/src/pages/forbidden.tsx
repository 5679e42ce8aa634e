// Shown instead of a page the signed-in person's role does not give access to (the navigation
// hides such pages, but a bookmark or a typed URL still leads here).
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { Link } from '../router';

export function ForbiddenPage() {
  const { t } = useI18n();
  return (
    <>
      <PageHeading>{t('page.forbidden.title')}</PageHeading>
      <section class="card">
        <p data-testid="forbidden">{t('page.forbidden.body')}</p>
        <p>
          <Link href="/">{t('page.not_found.home')}</Link>
        </p>
      </section>
    </>
  );
}
