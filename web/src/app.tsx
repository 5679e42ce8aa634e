// The application shell. While the session loads it shows the header alone; signed out, the
// sign-in page (whatever the path: the URL is /login?next=…); signed in, the header with the
// person's name, role and a Sign out button, the navigation built from the route table (only the
// pages their permissions allow) and the <main> landmark showing the current page. After a
// client-side navigation it sets the document title and moves focus to the page heading, which is
// what a full page load would have done for keyboard and screen-reader users.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { Session } from './api/access';
import { ProblemAlert } from './components/problem_alert';
import { useI18n } from './i18n/context';
import { kLocales } from './i18n/locale';
import { focusPageHeading } from './page_heading';
import { ForbiddenPage } from './pages/forbidden';
import { LoginPage } from './pages/login';
import { NotFoundPage } from './pages/not_found';
import { kLoginPath, returnPathFromSearch } from './return_path';
import { roleLabel } from './role_label';
import { Link, navigate, usePath } from './router';
import { findRoute, kRoutes, type RouteDefinition } from './routes';
import { useSession } from './session';

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

function useDocumentTitle(title: string): void {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
}

function Header(props: { children?: ComponentChildren }) {
  const { t } = useI18n();
  return (
    <header class="header">
      <Link href="/" class="header__brand">
        <img class="header__logo" src="/favicon.svg" alt="" width={28} height={28} />
        <span class="header__name">{t('app.name')}</span>
      </Link>
      <span class="header__tagline">{t('app.tagline')}</span>
      <LocaleSwitch />
      {props.children}
    </header>
  );
}

function CurrentUser(props: { session: Session }) {
  const { t } = useI18n();
  const { signOut } = useSession();
  const { session } = props;
  const name = session.user?.display_name || session.principal.name;
  return (
    <div class="header__user">
      <Link href="/account" class="header__account" data-testid="current-user" title={t('nav.account')}>
        {name}
      </Link>
      <span class="badge badge--neutral" data-testid="current-role">
        {roleLabel(t, session.principal.role)}
      </span>
      <button type="button" class="button button--quiet" onClick={() => void signOut()}>
        {t('app.sign_out')}
      </button>
    </div>
  );
}

// A navigation entry is current on its own page and on the pages of its records (/contacts/12).
function isCurrent(route_path: string, path: string): boolean {
  return route_path === path || (route_path !== '/' && path.startsWith(`${route_path}/`));
}

function Navigation(props: { path: string; routes: readonly RouteDefinition[] }) {
  const { t } = useI18n();
  return (
    <nav class="sidebar" aria-label={t('app.navigation')}>
      <ul class="sidebar__list">
        {props.routes.map((route) => (
          <li key={route.path}>
            <Link href={route.path} class="sidebar__link" aria-current={isCurrent(route.path, props.path) ? 'page' : undefined}>
              {t(route.title_key)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

// The shell without navigation, for the time before anyone is signed in.
function PublicShell(props: { title: string; children: ComponentChildren }) {
  const { t } = useI18n();
  useDocumentTitle(props.title);
  return (
    <div class="shell shell--public">
      <a class="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <Header />
      <main id="main" class="main main--narrow" tabIndex={-1}>
        {props.children}
      </main>
    </div>
  );
}

function SignedInShell(props: { session: Session }) {
  const { t } = useI18n();
  const { can } = useSession();
  const path = usePath();
  const route = findRoute(path);
  const allowed = !route?.requires || can(route.requires.resource, route.requires.action);
  const Page = !route ? NotFoundPage : allowed ? route.component : ForbiddenPage;
  const title = route ? t(route.title_key) : t('page.not_found.title');
  const visible_routes = kRoutes.filter(
    (candidate) => candidate.in_navigation && (!candidate.requires || can(candidate.requires.resource, candidate.requires.action)),
  );
  const first_render = useRef(true);
  useDocumentTitle(title);

  useEffect(() => {
    // Signed in with /login in the address bar (a reload after signing in): go where it points.
    if (path === kLoginPath) navigate(returnPathFromSearch(window.location.search), { replace: true });
  }, [path]);

  useEffect(() => {
    if (first_render.current) {
      first_render.current = false;
      return;  // on load the browser's own focus order applies
    }
    focusPageHeading();
  }, [path]);

  if (path === kLoginPath) return null;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('app.skip_to_content')}
      </a>
      <Header>
        <CurrentUser session={props.session} />
      </Header>
      <Navigation path={path} routes={visible_routes} />
      <main id="main" class="main" tabIndex={-1}>
        <Page key={path} />
      </main>
    </div>
  );
}

export function App() {
  const { t } = useI18n();
  const session = useSession();
  const { state } = session;
  switch (state.kind) {
    case 'loading':
      return (
        <PublicShell title={t('app.loading')}>
          <p class="muted">{t('app.loading')}</p>
        </PublicShell>
      );
    case 'failed':
      return (
        <PublicShell title={t('problem.heading')}>
          <ProblemAlert error={state.error} onRetry={session.retry} />
        </PublicShell>
      );
    case 'signed_out':
      return (
        <PublicShell title={t('login.title')}>
          <LoginPage notice={state.notice} />
        </PublicShell>
      );
    case 'signed_in':
      return <SignedInShell session={state.session} />;
  }
}
