// Unit tests of the client-card code that needs no browser: answer validation and query paths
// (src/api/contacts.ts), the 422/409 problem members (src/api/client.ts), and the pure helpers of
// src/contact_logic.ts: search as you type (debounce, stale answers dropped), the import preview
// cut, mapping names and pairs, the CSV error report, the merge field list and record ids in paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const api = await importTs('src/api/contacts.ts');
const client = await importTs('src/api/client.ts');
const logic = await importTs('src/contact_logic.ts');

const kContact = {
  id: 7, first_name: 'Анна', last_name: 'Иванова', email: 'anna@example.com', other_emails: [], phone: '+79161234567',
  other_phones: [], address: { line1: '', line2: '', city: 'Москва', region: '', postal_code: '', country_code: 'RU' },
  birthday: '1990-02-28', gender: null, locale: 'ru', time_zone: 'Europe/Moscow', source: 'import', owner_id: null,
  external_id: '', roles: ['customer', 'partner'], custom: { tier_hint: 'gold' },
  companies: [{ company_id: 4, name: 'ООО Ромашка', job_title: 'CFO', primary: true }],
  merged_into: null, created_at: '2026-11-24T10:00:00Z', updated_at: '2026-11-24T10:00:00Z',
};

test('a contact is parsed with its companies, roles and custom fields', () => {
  const contact = api.parseContact(kContact);
  assert.equal(contact.first_name, 'Анна');
  assert.deepEqual(contact.roles, ['customer', 'partner']);
  assert.equal(contact.companies[0].name, 'ООО Ромашка');
  assert.equal(contact.address.city, 'Москва');
  assert.equal(contact.custom.tier_hint, 'gold');
  assert.equal(api.contactName(contact), 'Анна Иванова');
  assert.equal(api.contactName({ ...contact, first_name: '', last_name: '' }), 'anna@example.com');
  assert.equal(api.contactName({ ...contact, first_name: '', last_name: '', email: '' }), '#7');
});

test('a member of the wrong type is refused, missing optional members get defaults', () => {
  assert.throws(() => api.parseContact({ ...kContact, id: '7' }), /id/);
  assert.throws(() => api.parseContact({ ...kContact, roles: 'customer' }));
  const sparse = api.parseContact({ id: 3 });
  assert.equal(sparse.email, '');
  assert.deepEqual(sparse.companies, []);
  assert.equal(sparse.merged_into, null);
});

test('a card, a list page and an import report are parsed', () => {
  const card = api.parseCard({
    contact: kContact,
    interests: [{ interest: 'running', name: 'Running', category: 'sport', source: 'declared', strength: 80, updated_at: '' }],
    consents: [{ id: 1, channel: 'email', purpose: 'marketing', status: 'granted', recorded_at: '', method: 'form', proof: 'f-1', actor: 'user:1' }],
    tasks: [{ id: 2, contact_id: 7, title: 'Call', done: false, due_at: null }],
    notes: [{ id: 3, contact_id: 7, body: 'Hello', author: 'a', created_at: '', updated_at: '' }],
    timeline: { items: [{ sequence: '12', kind: 'contact_created', occurred_at: '', actor: '', subject_type: 'contact', subject_id: 7, payload: {} }], next: 'c2' },
    merges: [{ id: 1, survivor_id: 7, merged_id: 8, actor: 'user:1', merged_at: '', undone_at: null }],
  });
  assert.equal(card.timeline.next, 'c2');
  assert.equal(card.timeline.items[0].sequence, '12');
  assert.equal(card.merges[0].merged_id, 8);
  assert.equal(card.interests[0].strength, 80);

  const page = api.parsePage({ items: [kContact], next: null }, api.parseContact);
  assert.equal(page.next, null);
  assert.equal(page.items.length, 1);

  const report = api.parseImportReport({ dry_run: true, committed: false, rows: 5, created: 3, updated: 1, unchanged: 0,
    failed: 1, unmapped_columns: ['Notes'], errors: [{ line: 3, field: 'email', reason: 'invalid' }], errors_truncated: false });
  assert.deepEqual(report.errors, [{ line: 3, field: 'email', reason: 'invalid' }]);
  assert.equal(report.created, 3);
});

test('saved mappings are read with their column pairs', () => {
  const mapping = api.parseMapping({ name: 'crm', mapping: { columns: [['Email', 'email'], ['Name', 'first_name']], default_calling_code: '7' }, updated_at: '' });
  assert.deepEqual(mapping.columns, [['Email', 'email'], ['Name', 'first_name']]);
  assert.equal(mapping.default_calling_code, '7');
});

test('list, export, import and timeline paths carry only the filters that are set', () => {
  assert.equal(api.contactsPath({ q: '', role: '', sort: 'newest' }, null), '/api/v1/contacts?sort=newest&limit=50');
  assert.equal(api.contactsPath({ q: ' анн ', role: 'partner', sort: 'name' }, 'abc'),
    '/api/v1/contacts?q=%D0%B0%D0%BD%D0%BD&role=partner&cursor=abc&limit=50', 'with q the server orders by recency');
  assert.equal(api.exportPath({ q: '', role: 'customer', sort: 'name' }, 'vcard'), '/api/v1/contacts/export?role=customer&sort=name&format=vcard');
  assert.equal(api.importPath({ format: 'csv', key: 'phone', dry_run: true, mapping: 'crm', commit: 'all', delimiter: ';' }),
    '/api/v1/contacts/import?format=csv&key=phone&dry_run=true&mapping=crm&commit=all&delimiter=%3B');
  assert.equal(api.timelinePath(7, ['note_added', 'task_done'], null, 20), '/api/v1/contacts/7/timeline?kind=note_added%2Ctask_done&limit=20');
});

test('a 422 problem keeps its field errors and a 409 the existing contact id', () => {
  const invalid = client.parseProblem({ title: 'Invalid', status: 422, code: 'invalid_contact', errors: [{ field: 'email', reason: 'bad' }, 'junk'] });
  assert.deepEqual(invalid.errors, [{ field: 'email', reason: 'bad' }]);
  const shared = client.parseProblem({ status: 422, errors: [{ field: 'phone', code: 'invalid_value', message: 'not a phone number' }] });
  assert.deepEqual(shared.errors, [{ field: 'phone', reason: 'not a phone number' }]);
  const exists = client.parseProblem({ status: 409, code: 'contact_exists', contact_id: 12 });
  assert.equal(exists.contact_id, 12);
  assert.equal(client.parseProblem({ contact_id: '12' }).contact_id, undefined);
});

// Timers under the test's control: `run()` fires the pending callbacks.
function fakeTimers() {
  const pending = new Map();
  let next = 0;
  return {
    set: (callback, delay_ms) => {
      pending.set(++next, { callback, delay_ms });
      return next;
    },
    clear: (handle) => pending.delete(handle),
    run: () => {
      const due = [...pending.values()];
      pending.clear();
      for (const { callback } of due) callback();
    },
    count: () => pending.size,
  };
}

function deferred() {
  let resolve;
  const promise = new Promise((done) => (resolve = done));
  return { promise, resolve };
}

test('search as you type waits for quiet, and a slow older answer never overwrites a newer one', async () => {
  const timers = fakeTimers();
  const requests = [];
  const delivered = [];
  const search = new logic.LatestSearch(
    (query, signal) => {
      const answer = deferred();
      requests.push({ query, signal, answer });
      return answer.promise;
    },
    (result, query) => delivered.push([query, result]),
    (error) => assert.fail(error),
    { delay_ms: 150, timers },
  );
  search.request('а');
  search.request('ан');
  assert.equal(requests.length, 0, 'nothing is sent while typing');
  assert.equal(timers.count(), 1, 'one pending wait: the older one was cleared');
  timers.run();
  assert.deepEqual(requests.map((request) => request.query), ['ан']);

  search.request('анн');
  timers.run();
  assert.equal(requests[0].signal.aborted, true, 'the older request is aborted');
  requests[1].answer.resolve('answer for анн');
  requests[0].answer.resolve('late answer for ан');
  await new Promise((done) => setImmediate(done));
  assert.deepEqual(delivered, [['анн', 'answer for анн']]);

  search.request('x', true);
  assert.equal(requests.length, 3, '`now` skips the wait');
  search.cancel();
  assert.equal(requests[2].signal.aborted, true);
  requests[2].answer.resolve('after cancel');
  await new Promise((done) => setImmediate(done));
  assert.equal(delivered.length, 1, 'nothing is delivered after cancel');
});

test('the preview sample ends at the last line break', () => {
  const bytes = new TextEncoder().encode('a;b\n1;2\n3;Ж');
  assert.equal(logic.previewCut(bytes), 8);
  assert.equal(logic.previewCut(new TextEncoder().encode('no break')), 8);
});

test('mapping names come from the file name; pairs leave out ignored columns', () => {
  assert.equal(logic.defaultMappingName('HubSpot export (2).csv'), 'hubspot-export-2');
  assert.equal(logic.defaultMappingName('Контакты 2026.CSV'), 'контакты-2026');
  assert.equal(logic.defaultMappingName('.csv'), 'import');
  assert.equal(logic.importFormatOf('people.ndjson'), 'ndjson');
  assert.equal(logic.importFormatOf('people.txt'), 'csv');
  assert.deepEqual(logic.mappingPairs(['Email', 'Notes', 'Name'], { Email: 'email', Notes: '', Name: 'first_name' }),
    [['Email', 'email'], ['Name', 'first_name']]);
});

test('the error report is CSV with quoting and formula cells escaped', () => {
  const csv = logic.errorReportCsv([
    { line: 3, field: 'email', reason: 'not an e-mail, "x"' },
    { line: 9, field: 'phone', reason: '=HYPERLINK("x")' },
  ]);
  assert.equal(csv, 'line,field,reason\r\n3,email,"not an e-mail, ""x"""\r\n9,phone,"\'=HYPERLINK(""x"")"\r\n');
});

test('merge fields list only differing values; the default keeps the survivor unless empty', () => {
  const survivor = api.parseContact({ ...kContact, phone: '' });
  const other = api.parseContact({ ...kContact, id: 8, email: 'anna@work.example', phone: '+79160000000' });
  const fields = logic.differingFields(survivor, other);
  assert.deepEqual(fields.map((field) => field.field), ['email', 'phone']);
  assert.deepEqual(fields.map(logic.defaultChoice), ['survivor', 'other']);
});

test('record ids are read from paths', () => {
  assert.equal(logic.pathId('/contacts/12'), 12);
  assert.equal(logic.pathId('/companies/3'), 3);
  assert.equal(logic.pathId('/contacts/import'), null);
  assert.equal(logic.pathId('/contacts/0'), null);
  assert.equal(logic.dueAtFromDate('2030-05-20'), '2030-05-20T17:00:00Z');
  assert.equal(logic.dueAtFromDate(''), null);
});
