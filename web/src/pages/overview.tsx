// Overview page: what is running (product, version, store kind, API version) and whether it is
// healthy. Version and health load independently, so a failing store (healthz answers a 503
// problem) still shows which version is running, next to the problem and its request id.
import type { ComponentChildren } from 'preact';
import { fetchHealth, fetchVersion, type Health, type VersionInfo } from '../api/system';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { useI18n, type I18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { useResource, type ResourceState } from '../use_resource';

function storeLabel(t: I18n['t'], store: string): string {
  if (store === 'sqlite') return t('overview.store.sqlite');
  if (store === 'postgres') return t('overview.store.postgres');
  return store;
}

function Fact(props: { label: string; children: ComponentChildren; testid: string }) {
  return (
    <div class="facts__row">
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.children}</dd>
    </div>
  );
}

function HealthValue(props: { state: ResourceState<Health> }) {
  const { t } = useI18n();
  switch (props.state.kind) {
    case 'loading':
      return <span class="muted">{t('app.loading')}</span>;
    case 'ready': {
      const ok = props.state.value.status === 'ok';
      return <StatusBadge tone={ok ? 'ok' : 'bad'} label={t(ok ? 'overview.health_ok' : 'overview.health_unavailable')} />;
    }
    case 'failed':
      return <StatusBadge tone="bad" label={t('overview.health_unavailable')} />;
  }
}

function VersionFacts(props: { version: VersionInfo }) {
  const { t } = useI18n();
  const { version } = props;
  return (
    <>
      <Fact label={t('overview.product')} testid="product">
        {version.name}
      </Fact>
      <Fact label={t('overview.version')} testid="version">
        {version.version}
      </Fact>
      <Fact label={t('overview.store')} testid="store">
        <span data-store={version.store}>{storeLabel(t, version.store)}</span>
      </Fact>
      <Fact label={t('overview.api')} testid="api">
        {version.api}
      </Fact>
    </>
  );
}

export function OverviewPage() {
  const { t, format } = useI18n();
  const [version, reloadVersion] = useResource(fetchVersion);
  const [health, reloadHealth] = useResource(fetchHealth);
  const refresh = () => {
    reloadVersion();
    reloadHealth();
  };

  return (
    <>
      <PageHeading>{t('overview.title')}</PageHeading>
      <section class="card" aria-labelledby="status-heading">
        <div class="card__header">
          <h2 id="status-heading">{t('overview.status_heading')}</h2>
          <button type="button" class="button button--quiet" onClick={refresh}>
            {t('app.refresh')}
          </button>
        </div>
        {version.kind === 'failed' && <ProblemAlert error={version.error} />}
        <dl class="facts" aria-busy={version.kind === 'loading' || health.kind === 'loading'}>
          {version.kind === 'ready' && <VersionFacts version={version.value} />}
          {version.kind === 'loading' && (
            <Fact label={t('overview.version')} testid="version">
              <span class="muted">{t('app.loading')}</span>
            </Fact>
          )}
          <Fact label={t('overview.health')} testid="health">
            <HealthValue state={health} />
          </Fact>
        </dl>
        {health.kind === 'failed' && <ProblemAlert error={health.error} />}
        {health.kind === 'ready' && (
          <p class="muted small">{t('overview.checked_at', { time: format.time(health.loaded_at_ms) })}</p>
        )}
      </section>
    </>
  );
}
