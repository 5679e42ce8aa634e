// Unit tests of src/api/metrics.ts: Prometheus text parsing, summing over labels, counter rates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const metrics = await importTs('src/api/metrics.ts');

const kExposition = `# HELP http_requests_total HTTP requests served.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/healthz",status="200"} 12
http_requests_total{method="GET",route="/api/v1/{id}",status="404"} 3
http_requests_total{method="POST",route="/a\\"b}",status="500"} 5 1700000000000
http_requests_total_created 1700000000
# TYPE http_requests_in_flight gauge
http_requests_in_flight 2
store_pool_size{kind="sqlite"} 4
`;

test('sums a counter over all its label sets, including braces and quotes inside label values', () => {
  assert.equal(metrics.sumMetric(kExposition, 'http_requests_total'), 20);
});

test('does not count metrics whose name only starts with the wanted name', () => {
  assert.equal(metrics.sumMetric('http_requests_total_created 99\n', 'http_requests_total'), null);
});

test('reads a gauge without labels', () => {
  assert.equal(metrics.sumMetric(kExposition, 'http_requests_in_flight'), 2);
});

test('an absent metric is null, not zero', () => {
  assert.equal(metrics.sumMetric(kExposition, 'no_such_metric'), null);
  assert.equal(metrics.sumMetric('', 'http_requests_total'), null);
});

test('parses special values and rejects malformed lines', () => {
  assert.deepEqual(metrics.parseSampleLine('a +Inf'), { name: 'a', value: Infinity });
  assert.deepEqual(metrics.parseSampleLine('a{le="+Inf"} 7'), { name: 'a', value: 7 });
  assert.ok(Number.isNaN(metrics.parseSampleLine('a NaN').value));
  assert.equal(metrics.parseSampleLine('a{b="c" 1'), null, 'unterminated label block');
  assert.equal(metrics.parseSampleLine('a{b="c"}'), null, 'no value');
  assert.equal(metrics.parseSampleLine('a abc'), null, 'not a number');
  assert.equal(metrics.parseSampleLine('# HELP a text'), null);
  assert.equal(metrics.parseSampleLine('   '), null);
});

test('a counter rate is the increase per second between two readings', () => {
  assert.equal(metrics.counterRatePerSecond({ value: 100, at_ms: 0 }, { value: 110, at_ms: 2000 }), 5);
  assert.equal(metrics.counterRatePerSecond({ value: 100, at_ms: 0 }, { value: 100, at_ms: 2000 }), 0);
});

test('a counter that went down was reset: its new value is the increase', () => {
  assert.equal(metrics.counterRatePerSecond({ value: 500, at_ms: 0 }, { value: 8, at_ms: 2000 }), 4);
});

test('no rate when no time passed', () => {
  assert.equal(metrics.counterRatePerSecond({ value: 1, at_ms: 5 }, { value: 2, at_ms: 5 }), null);
  assert.equal(metrics.counterRatePerSecond({ value: 1, at_ms: 6 }, { value: 2, at_ms: 5 }), null);
});

test('the traffic series keeps at most points_max points, dropping the oldest, without mutating', () => {
  let series = metrics.emptyTrafficSeries();
  const first = series;
  for (let index = 0; index < 5; index += 1) {
    series = metrics.appendTrafficPoint(series, { time_s: index, requests_per_second: index * 10, in_flight: index }, 3);
  }
  assert.deepEqual(series, { times_s: [2, 3, 4], requests_per_second: [20, 30, 40], in_flight: [2, 3, 4] });
  assert.deepEqual(first, metrics.emptyTrafficSeries());
});
