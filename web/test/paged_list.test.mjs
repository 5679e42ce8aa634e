// Unit tests of the part of src/use_paged_list.ts that needs no browser: `mergePage` (a page
// appended without the rows the list already holds) and `PagedLoader` (the first page and "Load
// more", with a stubbed fetch whose answers the test releases in any order: a newer load drops
// older answers, a "Load more" started before a reload is never appended, cancel drops
// everything, aborts are not failures).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const { mergePage, PagedLoader } = await importTs('src/use_paged_list.ts');

const row = (id, text = `row ${id}`) => ({ id, text });
const page = (ids, next = null) => ({ items: ids.map((id) => row(id)), next });
const aborted = () => new DOMException('The operation was aborted.', 'AbortError');
const settle = () => new Promise((resolve) => setImmediate(resolve));

// A fetch whose answers wait for the test: each call is recorded with its cursor and signal and
// answered by `resolve(value)` or `reject(error)`. Like a fetch that read its answer before the
// abort, it does not reject by itself when its signal is aborted.
function stubFetch() {
  const calls = [];
  const fetchPage = (cursor, signal) =>
    new Promise((resolve, reject) => {
      calls.push({ cursor, signal, resolve, reject });
    });
  return { calls, fetchPage };
}

// A loader whose events are recorded in order.
function recordingLoader(fetchPage) {
  const events = [];
  const loader = new PagedLoader(fetchPage, {
    started: () => events.push(['started']),
    first: (value) => events.push(['first', value]),
    more: (value) => events.push(['more', value]),
    failed: (error) => events.push(['failed', error]),
  });
  return { events, loader };
}

test('mergePage appends the rows of a page that the list does not hold yet, in order', () => {
  const known = [row(9), row(7), row(5)];
  const merged = mergePage(known, [row(5, 'moved'), row(4), row(3), row(7, 'moved')]);
  assert.deepEqual(
    merged.map((item) => item.id),
    [9, 7, 5, 4, 3],
  );
  // The row already shown stays as it was; the list given is not changed.
  assert.equal(merged[2].text, 'row 5');
  assert.deepEqual(
    known.map((item) => item.id),
    [9, 7, 5],
  );
  assert.deepEqual(mergePage([], [row(1), row(2)]), [row(1), row(2)]);
  assert.deepEqual(mergePage([row(1)], []), [row(1)]);
});

test('mergePage compares ids with their type: string ids and number ids are different rows', () => {
  const merged = mergePage([{ id: 'a' }, { id: 1 }], [{ id: 'a' }, { id: '1' }, { id: 'b' }]);
  assert.deepEqual(
    merged.map((item) => item.id),
    ['a', 1, '1', 'b'],
  );
});

test('load asks for the first page and reports it; more asks for the page after the cursor', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].cursor, null);
  assert.equal(loader.busy(), true);
  const first = page([3, 2], 'c2');
  calls[0].resolve(first);
  await settle();
  assert.equal(loader.busy(), false);
  loader.more('c2');
  assert.equal(calls[1].cursor, 'c2');
  const second = page([1]);
  calls[1].resolve(second);
  await settle();
  assert.deepEqual(events, [['started'], ['first', first], ['started'], ['more', second]]);
  assert.equal(loader.busy(), false);
});

test('a newer load aborts the older one, and the older answer is dropped even when it arrives', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  loader.load();
  assert.equal(calls[0].signal.aborted, true);
  assert.equal(calls[1].signal.aborted, false);
  const newer = page([2]);
  calls[1].resolve(newer);
  calls[0].resolve(page([1]));
  await settle();
  assert.deepEqual(events, [['started'], ['started'], ['first', newer]]);
});

test('a failure of a superseded load is not reported; a failure of the current one is', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  loader.load();
  calls[0].reject(new Error('old'));
  const error = new Error('current');
  calls[1].reject(error);
  await settle();
  assert.deepEqual(events, [['started'], ['started'], ['failed', error]]);
  assert.equal(loader.busy(), false);
});

test('an aborted request is not a failure', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  calls[0].reject(aborted());
  await settle();
  assert.deepEqual(events, [['started']]);
});

test('a "Load more" answered after a reload began is dropped, never appended to the new list', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  const first = page([5, 4], 'c4');
  calls[0].resolve(first);
  await settle();
  loader.more('c4');
  loader.load();  // the parent's generation changed while the page after c4 was on its way
  assert.equal(calls[1].cursor, 'c4');
  assert.equal(calls[1].signal.aborted, true);
  calls[1].resolve(page([3, 2]));
  const reloaded = page([6, 5], 'c5');
  calls[2].resolve(reloaded);
  await settle();
  assert.deepEqual(events, [['started'], ['first', first], ['started'], ['started'], ['first', reloaded]]);
  // The new list's "Load more" works.
  loader.more('c5');
  assert.equal(calls[3].cursor, 'c5');
  assert.equal(calls[3].signal.aborted, false);
});

test('a "Load more" that fails after a reload began is not reported', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  calls[0].resolve(page([2], 'c2'));
  await settle();
  loader.more('c2');
  loader.load();
  calls[1].reject(new Error('late'));
  await settle();
  assert.deepEqual(
    events.map(([kind]) => kind),
    ['started', 'first', 'started', 'started'],
  );
});

test('more is ignored without a cursor, while the first page is on its way, and while another page is', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.more('c1');  // nothing loaded yet, but no load in flight either: allowed
  assert.equal(calls.length, 1);
  calls[0].resolve(page([1]));
  await settle();
  loader.load();
  loader.more('stale');  // the cursor of the list being replaced
  assert.equal(calls.length, 2);
  calls[1].resolve(page([3], 'c3'));
  await settle();
  loader.more(null);
  assert.equal(calls.length, 2);
  loader.more('c3');
  loader.more('c3');  // a second click while the page is on its way
  assert.equal(calls.length, 3);
  calls[2].resolve(page([2]));
  await settle();
  assert.deepEqual(
    events.map(([kind]) => kind),
    ['started', 'more', 'started', 'first', 'started', 'more'],
  );
});

test('a failed "Load more" is reported and the next one may start', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  calls[0].resolve(page([2], 'c2'));
  await settle();
  loader.more('c2');
  const error = new Error('offline');
  calls[1].reject(error);
  await settle();
  assert.deepEqual(events.at(-1), ['failed', error]);
  loader.more('c2');
  assert.equal(calls.length, 3);
  assert.equal(calls[2].cursor, 'c2');
});

test('cancel aborts the first page and a "Load more" and drops their answers (the list goes away)', async () => {
  const { calls, fetchPage } = stubFetch();
  const { events, loader } = recordingLoader(fetchPage);
  loader.load();
  calls[0].resolve(page([2], 'c2'));
  await settle();
  loader.more('c2');
  loader.cancel();
  assert.equal(calls[1].signal.aborted, true);
  assert.equal(loader.busy(), false);
  calls[1].resolve(page([1]));
  await settle();
  loader.load();
  loader.cancel();
  assert.equal(calls[2].signal.aborted, true);
  calls[2].reject(new Error('after unmount'));
  await settle();
  assert.deepEqual(
    events.map(([kind]) => kind),
    ['started', 'first', 'started', 'started'],
  );
});
