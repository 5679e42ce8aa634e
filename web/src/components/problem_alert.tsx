// Shows a failed API call to the person: what went wrong in words, and the details support needs
// (HTTP status, problem code, request id, which also appears in the server's access log).
// Announced to screen readers through role="alert". Two statuses get their own words: 403 (the
// role does not allow it) and 429 (too many requests, with the wait from Retry-After).
import { ApiError } from '../api/client';
import { useI18n, type I18n } from '../i18n/context';

export function alertTitle(t: I18n['t'], error: ApiError | null, server_title: string | undefined): string {
  if (error?.status === 0) return t('problem.network');
  if (error?.status === 403) return t('problem.forbidden');
  if (error?.status === 429) {
    return error.retry_after_s === null ? t('problem.rate_limited_unknown') : t('problem.rate_limited', { seconds: error.retry_after_s });
  }
  return server_title ?? t('problem.unknown');
}

export function ProblemAlert(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const error = props.error instanceof ApiError ? props.error : null;
  const problem = error?.problem ?? null;
  const network_failure = error?.status === 0;
  const title = alertTitle(t, error, problem?.title);

  return (
    <div class="problem" role="alert">
      <p class="problem__heading">{t('problem.heading')}</p>
      <p class="problem__title">{title}</p>
      {problem?.detail && <p class="problem__detail">{problem.detail}</p>}
      {error && !network_failure && (
        <dl class="problem__facts">
          <div>
            <dt>{t('problem.status')}</dt>
            <dd>{error.status}</dd>
          </div>
          {problem?.code && (
            <div>
              <dt>{t('problem.code')}</dt>
              <dd>
                <code>{problem.code}</code>
              </dd>
            </div>
          )}
          {error.request_id && (
            <div>
              <dt>{t('problem.request_id')}</dt>
              <dd>
                <code class="problem__request-id">{error.request_id}</code>
              </dd>
            </div>
          )}
        </dl>
      )}
      {props.onRetry && (
        <button type="button" class="button" onClick={props.onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}
