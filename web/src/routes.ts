// The route table: one entry per page. A new capability adds its page component, one entry here
// and its strings in i18n/en.ts + ru.ts; the shell builds the navigation from this table.
// Pages with heavy dependencies are wrapped in lazyPage so their code loads on first visit.
// Paths are exact and normalised (no trailing slash), or a `pattern` for pages of one record
// (/contacts/12); the first match wins. A page reads its record id with `pathId`.
// `requires` names the permission a page needs (GET /api/v1/auth/session lists them): the
// navigation hides the page without it and the shell shows "not allowed" instead of the page.
// The server checks every call anyway; this only spares people pages they cannot use.
import type { ComponentType } from 'preact';
import type { PermissionAction } from './api/access';
import type { MessageKey } from './i18n/en';
import { lazyPage } from './lazy_page';
import { OverviewPage } from './pages/overview';

export interface RouteDefinition {
  path: string;
  pattern?: RegExp;  // matches the whole path; its first group is the record id
  title_key: MessageKey;  // page title and navigation label
  component: ComponentType;
  in_navigation: boolean;
  requires?: { resource: string; action: PermissionAction };
}

export const kRoutes: readonly RouteDefinition[] = [
  { path: '/', title_key: 'nav.overview', component: OverviewPage, in_navigation: true },
  {
    path: '/system',
    title_key: 'nav.system',
    component: lazyPage(() => import('./pages/system').then((module) => module.SystemPage)),
    in_navigation: true,
    requires: { resource: 'system', action: 'read' },
  },
  {
    path: '/users',
    title_key: 'nav.users',
    component: lazyPage(() => import('./pages/users').then((module) => module.UsersPage)),
    in_navigation: true,
    requires: { resource: 'users', action: 'read' },
  },
  {
    path: '/tokens',
    title_key: 'nav.tokens',
    component: lazyPage(() => import('./pages/tokens').then((module) => module.TokensPage)),
    in_navigation: true,
    requires: { resource: 'users', action: 'read' },
  },
  {
    path: '/audit',
    title_key: 'nav.audit',
    component: lazyPage(() => import('./pages/audit').then((module) => module.AuditPage)),
    in_navigation: true,
    requires: { resource: 'audit', action: 'read' },
  },
  {
    path: '/contacts',
    title_key: 'nav.contacts',
    component: lazyPage(() => import('./pages/contacts').then((module) => module.ContactsPage)),
    in_navigation: true,
    requires: { resource: 'relationships', action: 'read' },
  },
  {
    path: '/contacts/import',
    title_key: 'nav.import',
    component: lazyPage(() => import('./pages/contact_import').then((module) => module.ImportPage)),
    in_navigation: false,
    requires: { resource: 'relationships', action: 'admin' },
  },
  {
    path: '/contacts/:id',
    pattern: /^\/contacts\/(\d+)$/,
    title_key: 'card.title',
    component: lazyPage(() => import('./pages/contact_card').then((module) => module.ContactCardPage)),
    in_navigation: false,
    requires: { resource: 'relationships', action: 'read' },
  },
  {
    path: '/companies',
    title_key: 'nav.companies',
    component: lazyPage(() => import('./pages/companies').then((module) => module.CompaniesPage)),
    in_navigation: true,
    requires: { resource: 'relationships', action: 'read' },
  },
  {
    path: '/companies/:id',
    pattern: /^\/companies\/(\d+)$/,
    title_key: 'company.title',
    component: lazyPage(() => import('./pages/companies').then((module) => module.CompanyPage)),
    in_navigation: false,
    requires: { resource: 'relationships', action: 'read' },
  },
  {
    path: '/tasks',
    title_key: 'nav.tasks',
    component: lazyPage(() => import('./pages/tasks').then((module) => module.MyTasksPage)),
    in_navigation: true,
    requires: { resource: 'relationships', action: 'read' },
  },
  {
    path: '/duplicates',
    title_key: 'nav.duplicates',
    component: lazyPage(() => import('./pages/duplicates').then((module) => module.DuplicatesPage)),
    in_navigation: true,
    requires: { resource: 'relationships', action: 'admin' },
  },
  {
    path: '/loyalty/rules',
    title_key: 'nav.loyalty_rules',
    component: lazyPage(() => import('./pages/loyalty_rules').then((module) => module.LoyaltyRulesPage)),
    in_navigation: true,
    requires: { resource: 'loyalty', action: 'read' },
  },
  {
    path: '/loyalty/coupons',
    title_key: 'nav.loyalty_coupons',
    component: lazyPage(() => import('./pages/loyalty_coupons').then((module) => module.LoyaltyCouponsPage)),
    in_navigation: true,
    requires: { resource: 'loyalty', action: 'read' },
  },
  {
    path: '/loyalty/rewards',
    title_key: 'nav.loyalty_rewards',
    component: lazyPage(() => import('./pages/loyalty_rewards').then((module) => module.LoyaltyRewardsPage)),
    in_navigation: true,
    requires: { resource: 'loyalty', action: 'read' },
  },
  { path: '/account', title_key: 'nav.account', component: lazyPage(() => import('./pages/account').then((module) => module.AccountPage)), in_navigation: false },
];

export function findRoute(path: string): RouteDefinition | undefined {
  return kRoutes.find((route) => (route.pattern ? route.pattern.test(path) : route.path === path));
}
