// A hook that loads one thing from the API when a component mounts and on `reload()`. A newer load
// aborts the older one, and unmounting aborts the load in flight, so a late answer never overwrites
// a newer one or updates an unmounted component.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from './api/client';

export type ResourceState<T> =
  | { kind: 'loading' }
  | { kind: 'ready'; value: T; loaded_at_ms: number }
  | { kind: 'failed'; error: unknown };

export function useResource<T>(load: (signal: AbortSignal) => Promise<T>): [ResourceState<T>, () => void] {
  const [state, setState] = useState<ResourceState<T>>({ kind: 'loading' });
  const [generation, setGeneration] = useState(0);
  const load_ref = useRef(load);
  load_ref.current = load;

  useEffect(() => {
    const controller = new AbortController();
    setState({ kind: 'loading' });
    load_ref.current(controller.signal).then(
      (value) => setState({ kind: 'ready', value, loaded_at_ms: Date.now() }),
      (error: unknown) => {
        if (!isAbort(error)) setState({ kind: 'failed', error });
      },
    );
    return () => controller.abort();
  }, [generation]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return [state, reload];
}
