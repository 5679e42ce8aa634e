// Where to go after signing in. When a session ends (or never existed) the shell sends the person
// to /login?next=<where they were>, and back there after sign-in. `next` comes from the URL, which
// anyone can craft, so only a same-site path is accepted: "//evil.example" or "https://…" would
// turn the sign-in page into an open redirect. Pure functions, unit-tested in test/return_path.test.mjs.

export const kLoginPath = '/login';

// A path on this site ("/users?x=1"), never a scheme-relative or absolute URL, never the sign-in
// page itself; anything else becomes "/".
export function safeReturnPath(next: string | null): string {
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (/[\u0000-\u001f]/.test(next)) return '/';
  const path = next.split(/[?#]/)[0] ?? '/';
  if (path.replace(/\/+$/, '') === kLoginPath) return '/';
  return next;
}

// The sign-in page URL that returns to `current` (path + query) afterwards.
export function loginPathFor(current: string): string {
  const next = safeReturnPath(current);
  return next === '/' ? kLoginPath : `${kLoginPath}?next=${encodeURIComponent(next)}`;
}

// Reads `next` from a query string ("?next=%2Fusers").
export function returnPathFromSearch(search: string): string {
  return safeReturnPath(new URLSearchParams(search).get('next'));
}
