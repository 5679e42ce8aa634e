// Loads a page's code on first visit. Pages with heavy dependencies (the System page pulls in uPlot,
// two thirds of all the JavaScript) stay out of the first download, so the shell appears quickly.
// The module is fetched once and shared by every later render; a failed fetch (typically a new
// release replaced the hashed file names) is reported with a retry that reloads the page.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useI18n } from './i18n/context';

export function lazyPage(load: () => Promise<ComponentType>): ComponentType {
  let loaded: ComponentType | null = null;
  let pending: Promise<ComponentType> | null = null;

  return function LazyPage() {
    const { t } = useI18n();
    const [page, setPage] = useState<ComponentType | null>(() => loaded);
    const [failed, setFailed] = useState(false);

    useEffect(() => {
      if (loaded) return;
      let mounted = true;
      pending ??= load().then((component) => (loaded = component));
      pending.then(
        (component) => mounted && setPage(() => component),
        () => {
          pending = null;
          if (mounted) setFailed(true);
        },
      );
      return () => {
        mounted = false;
      };
    }, []);

    if (failed) {
      return (
        <div class="problem" role="alert">
          <p class="problem__title">{t('problem.network')}</p>
          <button type="button" class="button" onClick={() => window.location.reload()}>
            {t('app.retry')}
          </button>
        </div>
      );
    }
    if (!page) return <p class="muted">{t('app.loading')}</p>;
    const Page = page;
    return <Page />;
  };
}
