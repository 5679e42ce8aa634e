// A list from the API that is read a page at a time (`{ items, next }`, keyset cursors) and shown
// with "Load more". `usePagedList` loads the first page when the component mounts, when one of its
// `deps` changes and on `reload()`; `loadMore()` appends the page after `next`, leaving out what
// the list already holds (a row that moved between pages while the member read them).
//
// The races live in `PagedLoader`, which needs no DOM: a newer first-page load aborts whatever is
// in flight (a first page or a "Load more") and drops its answer, so a late answer never
// overwrites a newer one and a page of the old list is never appended to the new one; unmounting
// aborts everything; "Load more" is ignored while a load is in flight.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from './api/client';

export interface Page<T> {
  items: T[];
  next: string | null;  // the cursor of the page after this one; null on the last page
}

export interface Keyed {
  id: number | string;
}

export type FetchPage<P> = (cursor: string | null, signal: AbortSignal) => Promise<P>;

// `known` followed by the items of `page_items` whose id it does not hold yet.
export function mergePage<T extends Keyed>(known: readonly T[], page_items: readonly T[]): T[] {
  const ids = new Set(known.map((item) => item.id));
  return [...known, ...page_items.filter((item) => !ids.has(item.id))];
}

// What a `PagedLoader` reports; every call but `started` ends the load it belongs to.
export interface PagedLoaderEvents<P> {
  started: () => void;  // a first page or a "Load more" is on its way
  first: (page: P) => void;  // the first page: replaces the list
  more: (page: P) => void;  // the page after the cursor given to `more`: append it
  failed: (error: unknown) => void;  // not for an aborted or superseded request
}

// The requests behind a paged list. Single-threaded (main thread).
export class PagedLoader<P> {
  private generation = 0;
  private first_controller: AbortController | null = null;
  private more_controller: AbortController | null = null;

  constructor(
    private readonly fetchPage: FetchPage<P>,
    private readonly events: PagedLoaderEvents<P>,
  ) {}

  // Loads the first page; whatever is in flight is aborted and its answer dropped.
  load(): void {
    this.cancel();
    const generation = this.generation;
    const controller = new AbortController();
    this.first_controller = controller;
    this.events.started();
    this.fetchPage(null, controller.signal).then(
      (page) => {
        if (generation !== this.generation) return;
        this.first_controller = null;
        this.events.first(page);
      },
      (error: unknown) => {
        if (generation !== this.generation || isAbort(error)) return;
        this.first_controller = null;
        this.events.failed(error);
      },
    );
  }

  // Loads the page after `cursor`. Ignored without a cursor and while a load is in flight: the
  // cursor would belong to a list that is about to change, or the page is already on its way.
  more(cursor: string | null): void {
    if (cursor === null || this.busy()) return;
    const generation = this.generation;
    const controller = new AbortController();
    this.more_controller = controller;
    this.events.started();
    this.fetchPage(cursor, controller.signal).then(
      (page) => {
        if (generation !== this.generation) return;
        this.more_controller = null;
        this.events.more(page);
      },
      (error: unknown) => {
        if (generation !== this.generation || isAbort(error)) return;
        this.more_controller = null;
        this.events.failed(error);
      },
    );
  }

  busy(): boolean {
    return this.first_controller !== null || this.more_controller !== null;
  }

  // Aborts what is in flight and drops its answers (the list is reloaded, or goes away).
  cancel(): void {
    this.first_controller?.abort();
    this.more_controller?.abort();
    this.first_controller = null;
    this.more_controller = null;
    this.generation += 1;
  }
}

export interface PagedList<T> {
  items: T[];
  next: string | null;
  loading: boolean;  // a first page or a "Load more" is on its way
  error: unknown;  // the last failure (null after a first page arrives)
  // Sets the error shown with the list: a component whose actions report their failures in the
  // same place as the list's.
  setError: (error: unknown) => void;
  loadMore: () => void;
  reload: () => void;
}

// `fetchPage(null, signal)` is the first page, `fetchPage(next, signal)` the one after `next`; the
// latest function given is used. `deps` are what the first page depends on (the record's id, a
// filter, the parent's generation). `onFirstPage` sees each first page that is shown (a
// component that reads more than the list from it, or tells its parent).
export function usePagedList<P extends Page<Keyed>>(
  fetchPage: FetchPage<P>,
  deps: readonly unknown[],
  onFirstPage?: (page: P) => void,
): PagedList<P['items'][number]> {
  type T = P['items'][number];
  const [items, setItems] = useState<T[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [reloads, setReloads] = useState(0);
  const fetch_ref = useRef(fetchPage);
  fetch_ref.current = fetchPage;
  const first_ref = useRef(onFirstPage);
  first_ref.current = onFirstPage;

  const [loader] = useState(
    () =>
      new PagedLoader<P>((cursor, signal) => fetch_ref.current(cursor, signal), {
        started: () => setLoading(true),
        first: (page) => {
          setItems(page.items);
          setNext(page.next);
          setError(null);
          setLoading(false);
          first_ref.current?.(page);
        },
        more: (page) => {
          setItems((current) => mergePage(current, page.items));
          setNext(page.next);
          setLoading(false);
        },
        failed: (caught) => {
          setError(caught);
          setLoading(false);
        },
      }),
  );

  useEffect(() => {
    loader.load();
    return () => loader.cancel();
  }, [...deps, reloads]);

  const reload = useCallback(() => setReloads((value) => value + 1), []);
  const loadMore = () => loader.more(next);
  return { items, next, loading, error, setError, loadMore, reload };
}
