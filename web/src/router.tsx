// Client-side routing on the history API. The server answers every non-file path with index.html,
// so any URL a person bookmarks loads the shell and this module picks the page.
// `navigate` pushes a history entry (or replaces the current one) and notifies subscribers; `Link`
// renders a real <a href> (so middle-click, copy link and no-JavaScript crawlers work) and
// intercepts plain left clicks. Pages are chosen by path; the query string carries page state
// such as the sign-in page's return path.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', notify);

// Trailing slashes are not significant: "/system/" and "/system" are the same page.
export function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function currentPath(): string {
  return normalizePath(window.location.pathname);
}

// The path and query of the current URL, e.g. "/users?x=1".
export function currentLocation(): string {
  return `${currentPath()}${window.location.search}`;
}

export function navigate(target: string, options: { replace?: boolean } = {}): void {
  const [path = '/', ...query] = target.split('?');
  const search = query.length > 0 ? `?${query.join('?')}` : '';
  if (normalizePath(path) === currentPath() && search === window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', target);
  else window.history.pushState(null, '', target);
  notify();
}

export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const listener = () => setPath(currentPath());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return path;
}

function isPlainLeftClick(event: MouseEvent): boolean {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

type LinkProps = Omit<JSX.HTMLAttributes<HTMLAnchorElement>, 'href' | 'onClick'> & {
  href: string;
  children: ComponentChildren;
};

export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || !isPlainLeftClick(event)) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
