// A uPlot line chart of requests per second (left axis) and in-flight requests (right axis).
// uPlot draws on a canvas it owns: the chart is created once per mount, fed new data with setData,
// resized with the container, and destroyed on unmount. Labels are taken at creation, so the
// parent remounts it (key) when the locale changes. Colours come from the CSS custom properties,
// which keeps the chart in step with the light and dark themes.
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { TrafficSeries } from '../api/metrics';
import { useI18n } from '../i18n/context';

const kChartHeightPx = 280;

function cssColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

// The chart reads its colours once, so it is rebuilt when the person's light/dark preference flips.
function usePrefersDark(): boolean {
  const [dark, setDark] = useState(() => window.matchMedia('(prefers-color-scheme: dark)').matches);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const listener = () => setDark(query.matches);
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }, []);
  return dark;
}

function toChartData(series: TrafficSeries): uPlot.AlignedData {
  return [series.times_s, series.requests_per_second, series.in_flight];
}

// Shows a fixed window ending at the newest point, so the time axis does not zoom in and out as
// points arrive and the first few samples do not fill the whole width.
export function TrafficChart(props: { series: TrafficSeries; label: string; window_s: number }) {
  const { t, format } = useI18n();
  const prefers_dark = usePrefersDark();
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const latest_series = useRef(props.series);
  latest_series.current = props.series;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const window_s = props.window_s;
    const text = cssColour('--text-muted', '#666');
    const grid = cssColour('--border', '#ddd');
    const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const formatValue = (_: uPlot, value: number | null) => (value == null ? '—' : format.number(value));
    const formatSplits = (_: uPlot, splits: number[]) => splits.map((value) => format.number(value));
    const options: uPlot.Options = {
      width: Math.max(element.clientWidth, 200),
      height: kChartHeightPx,
      scales: {
        x: {
          time: true,
          range: (_, _min, max) => {
            const end_s = Number.isFinite(max) ? max : Date.now() / 1000;  // no points yet
            return [end_s - window_s, end_s];
          },
        },
        rate: { range: (_, min, max) => [Math.min(0, min), Math.max(1, max)] },
        flight: { range: (_, min, max) => [Math.min(0, min), Math.max(1, max)] },
      },
      series: [
        { label: t('system.time'), value: (_, value) => (value == null ? '—' : format.time(value * 1000)) },
        {
          label: t('system.requests_per_second'),
          scale: 'rate',
          stroke: cssColour('--chart-1', '#2563eb'),
          width: 2,
          value: formatValue,
        },
        {
          label: t('system.in_flight'),
          scale: 'flight',
          stroke: cssColour('--chart-2', '#d97706'),
          width: 2,
          value: formatValue,
        },
      ],
      axes: [
        { ...axis, space: 90, values: (_, splits) => splits.map((seconds) => format.time(seconds * 1000)) },
        { ...axis, scale: 'rate', values: formatSplits },
        { ...axis, scale: 'flight', side: 1, grid: { show: false }, values: formatSplits },
      ],
    };
    const plot = new uPlot(options, toChartData(latest_series.current), element);
    chart.current = plot;
    const observer = new ResizeObserver(() => {
      plot.setSize({ width: Math.max(element.clientWidth, 200), height: kChartHeightPx });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
      chart.current = null;
    };
  }, [t, format, props.window_s, prefers_dark]);

  useEffect(() => {
    chart.current?.setData(toChartData(props.series));
  }, [props.series]);

  // data-points lets tests and tools see how many samples are drawn without reading the canvas.
  return (
    <div class="chart" ref={container} role="img" aria-label={props.label} data-points={props.series.times_s.length} />
  );
}
