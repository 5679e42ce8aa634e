// System page: live HTTP traffic from GET /metrics. Every kPollIntervalMs it scrapes the Prometheus
// text, sums http_requests_total over its labels and turns two successive sums into a rate; the
// in-flight gauge is shown as read. Polling stops while the tab is hidden (no load from a tab
// nobody looks at) and starts afresh when it is visible again: the rate across the pause would be
// an average over minutes, drawn as if it were a 2 s sample.
import { useEffect, useState } from 'preact/hooks';
import { getText, isAbort } from '../api/client';
import {
  appendTrafficPoint,
  counterRatePerSecond,
  emptyTrafficSeries,
  sumMetric,
  type CounterReading,
  type TrafficSeries,
} from '../api/metrics';
import { ProblemAlert } from '../components/problem_alert';
import { TrafficChart } from '../components/traffic_chart';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';

export const kPollIntervalMs = 2000;
export const kChartPointsMax = 150;  // five minutes at one point per poll

function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => !document.hidden);
  useEffect(() => {
    const listener = () => setVisible(!document.hidden);
    document.addEventListener('visibilitychange', listener);
    return () => document.removeEventListener('visibilitychange', listener);
  }, []);
  return visible;
}

function useTrafficPolling(active: boolean): { series: TrafficSeries; error: unknown } {
  const [series, setSeries] = useState<TrafficSeries>(emptyTrafficSeries);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!active) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let previous: CounterReading | null = null;

    const poll = async () => {
      try {
        const exposition = await getText('/metrics', controller.signal);
        const reading: CounterReading = {
          value: sumMetric(exposition, 'http_requests_total') ?? 0,
          at_ms: performance.now(),
        };
        const in_flight = sumMetric(exposition, 'http_requests_in_flight') ?? 0;
        const rate = previous ? counterRatePerSecond(previous, reading) : null;
        previous = reading;
        if (rate !== null) {
          const point = { time_s: Date.now() / 1000, requests_per_second: rate, in_flight };
          setSeries((current) => appendTrafficPoint(current, point, kChartPointsMax));
        }
        setError(null);
      } catch (caught) {
        if (isAbort(caught)) return;
        previous = null;
        setError(caught);
      }
      timer = setTimeout(poll, kPollIntervalMs);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [active]);

  return { series, error };
}

function lastOf(values: readonly number[]): number | undefined {
  return values[values.length - 1];
}

export function SystemPage() {
  const { t, format, locale } = useI18n();
  const visible = usePageVisible();
  const { series, error } = useTrafficPolling(visible);
  const rate = lastOf(series.requests_per_second);
  const in_flight = lastOf(series.in_flight);
  const minutes = Math.round((kChartPointsMax * kPollIntervalMs) / 60000);

  return (
    <>
      <PageHeading>{t('system.title')}</PageHeading>
      <section class="card" aria-labelledby="traffic-heading">
        <div class="card__header">
          <h2 id="traffic-heading">{t('system.traffic_heading')}</h2>
          <p class="muted small" data-testid="polling-state">
            {visible ? t('system.polling', { seconds: kPollIntervalMs / 1000 }) : t('system.paused')}
          </p>
        </div>
        {error !== null && <ProblemAlert error={error} />}
        <dl class="facts facts--inline">
          <div class="facts__row">
            <dt>
              <span class="swatch swatch--1" aria-hidden="true" />
              {t('system.requests_per_second')}
            </dt>
            <dd data-testid="requests-per-second">{rate === undefined ? '—' : format.number(rate)}</dd>
          </div>
          <div class="facts__row">
            <dt>
              <span class="swatch swatch--2" aria-hidden="true" />
              {t('system.in_flight')}
            </dt>
            <dd data-testid="in-flight">{in_flight === undefined ? '—' : format.number(in_flight, { fraction_digits_max: 0 })}</dd>
          </div>
        </dl>
        {series.times_s.length === 0 && <p class="muted small">{t('system.waiting')}</p>}
        <TrafficChart
          key={locale}
          series={series}
          label={t('system.chart_label', { minutes })}
          window_s={(kChartPointsMax * kPollIntervalMs) / 1000}
        />
      </section>
    </>
  );
}
