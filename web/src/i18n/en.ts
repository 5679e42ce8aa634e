// English strings: the reference dictionary. Its keys define `MessageKey`, and every other
// locale must provide exactly these keys (ru.ts is typed `Messages`, so a missing or extra key
// fails `tsc`). Placeholders are written `{name}` and filled by `translate`.
// Glossary terms follow DESIGN §1 so later pages use one word per concept.
export const en = {
  'app.name': 'Rapport',
  'app.tagline': 'Relationship management',
  'app.skip_to_content': 'Skip to content',
  'app.navigation': 'Main navigation',
  'app.language': 'Language',
  'app.loading': 'Loading…',
  'app.retry': 'Retry',
  'app.refresh': 'Refresh',

  'nav.overview': 'Overview',
  'nav.system': 'System',

  'page.not_found.title': 'Page not found',
  'page.not_found.body': 'There is no page at {path}.',
  'page.not_found.home': 'Go to the overview',

  'overview.title': 'Overview',
  'overview.status_heading': 'System status',
  'overview.product': 'Product',
  'overview.version': 'Version',
  'overview.store': 'Store',
  'overview.api': 'API',
  'overview.health': 'Health',
  'overview.health_ok': 'Healthy',
  'overview.health_unavailable': 'Unavailable',
  'overview.checked_at': 'Checked at {time}',
  'overview.store.sqlite': 'SQLite (embedded)',
  'overview.store.postgres': 'PostgreSQL',

  'system.title': 'System',
  'system.traffic_heading': 'HTTP traffic',
  'system.requests_per_second': 'Requests per second',
  'system.in_flight': 'In-flight requests',
  'system.chart_label': 'Chart of requests per second and in-flight requests over the last {minutes} minutes',
  'system.paused': 'Paused while the tab is hidden',
  'system.waiting': 'Collecting the first samples…',
  'system.polling': 'Updated every {seconds} s',
  'system.time': 'Time',

  'problem.heading': 'The server reported a problem',
  'problem.network': 'The server could not be reached. Check that Rapport is running and try again.',
  'problem.status': 'HTTP status',
  'problem.code': 'Code',
  'problem.request_id': 'Request id',
  'problem.unknown': 'Unexpected response from the server.',

  'glossary.relationship': 'relationship',
  'glossary.client_card': 'client card',
  'glossary.stage.awareness': 'awareness',
  'glossary.stage.exploration': 'exploration',
  'glossary.stage.expansion': 'expansion',
  'glossary.stage.commitment': 'commitment',
  'glossary.stage.dissolution': 'dissolution',
  'glossary.level.satisfied': 'satisfied',
  'glossary.level.devoted': 'devoted',
  'glossary.level.partner': 'partner',
  'glossary.loyalty_programme': 'loyalty programme',
  'glossary.points': 'points',
  'glossary.tier': 'tier',
  'glossary.referral_programme': 'referral programme',
  'glossary.csi': 'Customer Satisfaction Index (CSI)',
  'glossary.trust': 'trust',
  'glossary.commitment': 'commitment',
  'glossary.feedback': 'feedback',
} as const;

export type MessageKey = keyof typeof en;
export type Messages = { readonly [K in MessageKey]: string };
