// The <h1> of a page. It takes focus after client-side navigation so keyboard and screen-reader
// users land on the new page's title, as they would after a full page load. A page whose code is
// still loading has no heading yet: then the request is remembered and the heading takes focus
// when it mounts.
import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

const kPageHeadingId = 'page-heading';
let focus_pending = false;

// Called by the shell after the path changed (not on the first load, where the browser's own focus
// order applies).
export function focusPageHeading(): void {
  const heading = document.getElementById(kPageHeadingId);
  if (heading) heading.focus();
  else focus_pending = true;
}

export function PageHeading(props: { children: ComponentChildren }) {
  useEffect(() => {
    if (!focus_pending) return;
    focus_pending = false;
    document.getElementById(kPageHeadingId)?.focus();
  }, []);
  return (
    <h1 id={kPageHeadingId} tabIndex={-1} class="page-heading">
      {props.children}
    </h1>
  );
}
