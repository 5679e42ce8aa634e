// The route table: one entry per page. A new capability adds its page component, one entry here
// and its strings in i18n/en.ts + ru.ts; the shell builds the navigation from this table.
// Pages with heavy dependencies are wrapped in lazyPage so their code loads on first visit.
// Paths are exact and normalised (no trailing slash); the first match wins.
import type { ComponentType } from 'preact';
import type { MessageKey } from './i18n/en';
import { OverviewPage } from './pages/overview';
import { lazyPage } from './lazy_page';

export interface RouteDefinition {
  path: string;
  title_key: MessageKey;  // page title and navigation label
  component: ComponentType;
  in_navigation: boolean;
}

export const kRoutes: readonly RouteDefinition[] = [
  { path: '/', title_key: 'nav.overview', component: OverviewPage, in_navigation: true },
  { path: '/system', title_key: 'nav.system', component: lazyPage(() => import('./pages/system').then((module) => module.SystemPage)), in_navigation: true },
];

export function findRoute(path: string): RouteDefinition | undefined {
  return kRoutes.find((route) => route.path === path);
}
