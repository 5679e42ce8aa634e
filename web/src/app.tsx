// The application shell: skip link, header (product name, locale switch), navigation built from the
// route table, and the <main> landmark showing the current page. After a client-side navigation it
// sets the document title and moves focus to the page heading, which is what a full page load would
// have done for keyboard and screen-reader users.
import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from './i18n/context';
import { kLocales } from './i18n/locale';
import { focusPageHeading } from './page_heading';
import { NotFoundPage } from './pages/not_found';
import { Link, usePath } from './router';
import { findRoute, kRoutes } from './routes';

function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div class="locale-switch" role="group" aria-label={t('app.language')}>
      {kLocales.map((candidate) => (
        <button
          key={candidate}
          type="button"
          class="locale-switch__option"
          aria-pressed={candidate === locale}
          lang={candidate}
          onClick={() => setLocale(candidate)}
        >
          {candidate.toUpperCase()}
        </button>
      ))}
    </div>
  );
}

function Navigation(props: { path: string }) {
  const { t } = useI18n();
  return (
    <nav class="sidebar" aria-label={t('app.navigation')}>
      <ul class="sidebar__list">
        {kRoutes
          .filter((route) => route.in_navigation)
          .map((route) => (
            <li key={route.path}>
              <Link
                href={route.path}
                class="sidebar__link"
                aria-current={route.path === props.path ? 'page' : undefined}
              >
                {t(route.title_key)}
              </Link>
            </li>
          ))}
      </ul>
    </nav>
  );
}

export function App() {
  const { t } = useI18n();
  const path = usePath();
  const route = findRoute(path);
  const Page = route?.component ?? NotFoundPage;
  const title = route ? t(route.title_key) : t('page.not_found.title');
  const first_render = useRef(true);

  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);

  useEffect(() => {
    if (first_render.current) {
      first_render.current = false;
      return;  // on load the browser's own focus order applies
    }
    focusPageHeading();
  }, [path]);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <header class="header">
        <Link href="/" class="header__brand">
          <img class="header__logo" src="/favicon.svg" alt="" width={28} height={28} />
          <span class="header__name">{t('app.name')}</span>
        </Link>
        <span class="header__tagline">{t('app.tagline')}</span>
        <LocaleSwitch />
      </header>
      <Navigation path={path} />
      <main id="main" class="main" tabIndex={-1}>
        <Page />
      </main>
    </div>
  );
}
