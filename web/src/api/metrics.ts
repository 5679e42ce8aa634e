// Reading the Prometheus text exposition format (0.0.4) served at GET /metrics, and turning two
// successive scrapes into rates. Pure functions, unit-tested in test/metrics.test.mjs.
// Only what the System page needs: the sum of one metric's samples over all label sets.

// Splits one sample line into its metric name and value; returns null for comments, blank lines
// and lines that do not parse. Label values may contain '}' and escaped quotes, so the label block
// is scanned rather than cut at the first '}'.
export function parseSampleLine(line: string): { name: string; value: number } | null {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return null;
  const name_match = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
  if (!name_match) return null;
  const name = name_match[0];
  let index = name.length;
  if (text[index] === '{') {
    let in_quotes = false;
    for (index += 1; index < text.length; index += 1) {
      const character = text[index];
      if (in_quotes && character === '\\') index += 1;
      else if (character === '"') in_quotes = !in_quotes;
      else if (!in_quotes && character === '}') break;
    }
    if (index >= text.length) return null;  // unterminated label block
    index += 1;
  }
  const fields = text.slice(index).trim().split(/\s+/);
  const value = parseSampleValue(fields[0] ?? '');
  return value === null ? null : { name, value };
}

function parseSampleValue(field: string): number | null {
  switch (field) {
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'NaN':
      return NaN;
    case '':
      return null;
  }
  const value = Number(field);
  return Number.isNaN(value) ? null : value;
}

// Sum of every sample of `metric_name` across label sets, or null when the metric is absent.
export function sumMetric(exposition: string, metric_name: string): number | null {
  let total: number | null = null;
  for (const line of exposition.split('\n')) {
    const sample = parseSampleLine(line);
    if (sample && sample.name === metric_name) total = (total ?? 0) + sample.value;
  }
  return total;
}

export interface CounterReading {
  value: number;
  at_ms: number;  // when the scrape completed, on the page's clock
}

// Per-second rate of a counter between two readings. A counter that went down was reset (the
// server restarted), so, as Prometheus does, the new value is taken as the increase since the reset.
// Returns null when no time passed between the readings.
export function counterRatePerSecond(previous: CounterReading, current: CounterReading): number | null {
  const elapsed_ms = current.at_ms - previous.at_ms;
  if (elapsed_ms <= 0) return null;
  const increase = current.value >= previous.value ? current.value - previous.value : current.value;
  return (increase * 1000) / elapsed_ms;
}

// The points the System chart shows: parallel arrays, as uPlot takes them. Times are Unix seconds.
export interface TrafficSeries {
  times_s: number[];
  requests_per_second: number[];
  in_flight: number[];
}

export interface TrafficPoint {
  time_s: number;
  requests_per_second: number;
  in_flight: number;
}

export function emptyTrafficSeries(): TrafficSeries {
  return { times_s: [], requests_per_second: [], in_flight: [] };
}

// Returns a new series with `point` appended and the oldest points dropped beyond `points_max`.
// Never mutates `series` (Preact compares state by identity).
export function appendTrafficPoint(series: TrafficSeries, point: TrafficPoint, points_max: number): TrafficSeries {
  const drop = Math.max(0, series.times_s.length + 1 - points_max);
  return {
    times_s: [...series.times_s.slice(drop), point.time_s],
    requests_per_second: [...series.requests_per_second.slice(drop), point.requests_per_second],
    in_flight: [...series.in_flight.slice(drop), point.in_flight],
  };
}
