// Unit tests of the loyalty code that needs no browser: answer validation and paths
// (src/api/loyalty.ts), money and points formatting and input parsing, the 422 `problems` member
// (src/api/client.ts), and the rules form draft of src/loyalty_logic.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const api = await importTs('src/api/loyalty.ts');
const client = await importTs('src/api/client.ts');
const logic = await importTs('src/loyalty_logic.ts');

const kSummary = {
  contact_id: 7, points_balance: 1200, points_pending: 30, earned_total: 1500, redeemed_total: 300, expired_total: 0,
  last_activity_at: '2026-11-24T10:00:00Z', expiring_soon: 100, next_expiry_at: '2026-12-01T00:00:00Z', inactivity_expiry_at: null,
  lots: [{ id: 3, points: 500, remaining: 400, state: 'available', earned_at: '2026-01-01T00:00:00Z', available_at: '2026-01-15T00:00:00Z', expires_at: null, purchase_id: 9 }],
  tier: null,
};

const kEarn = {
  id: 41, kind: 'earn', occurred_at: '2026-11-24T10:00:00Z', recorded_at: '2026-11-24T10:00:01Z', points: 12, available_change: 12,
  pending_change: 0, purchase_id: 9, refund_id: null, actor: 'user:1', reason: '',
  explanation: { rules_version: 2, steps: [{ rule: 'base', detail: '1 per 10 EUR', points: 12 }] },
  entries: [{ account: 'available', points: 12, lot_id: 3 }, { account: 'issued', points: -12, lot_id: null }],
};

const kRules = {
  rates: [{ currency: 'EUR', points: 1, per_units: 10 }, { currency: '', points: 1, per_units: 100 }],
  category_multipliers: [{ key: 'shoes', percent: 200 }], sku_multipliers: [], minimum_spend_minor: 500, channels: ['web', 'store'],
  pending_days: 14, cap_per_day: 0, cap_per_month: 1000, expiry: { kind: 'rolling_months', months: 12 }, time_zone: 'Europe/Moscow',
};

test('a summary is parsed with its lots; a missing required member is refused', () => {
  const summary = api.parseSummary(kSummary);
  assert.equal(summary.points_balance, 1200);
  assert.equal(summary.next_expiry_at, '2026-12-01T00:00:00Z');
  assert.equal(summary.inactivity_expiry_at, null);
  assert.equal(summary.lots[0].remaining, 400);
  assert.equal(summary.lots[0].expires_at, null);
  assert.throws(() => api.parseSummary({ ...kSummary, points_balance: '1200' }), /points_balance/);
  assert.throws(() => api.parseSummary({ ...kSummary, lots: [{ id: 1 }] }), /points/);
});

test('an earn row carries the steps of its explanation; other explanations read as no steps', () => {
  const earn = api.parseLedgerItem(kEarn);
  assert.equal(earn.kind, 'earn');
  assert.equal(earn.rules_version, 2);
  assert.deepEqual(earn.steps, [{ rule: 'base', detail: '1 per 10 EUR', points: 12 }]);
  const refund = api.parseLedgerItem({ ...kEarn, kind: 'refund', points: -6, explanation: { refund_id: 5 } });
  assert.deepEqual(refund.steps, []);
  assert.equal(refund.points, -6);
  assert.deepEqual(api.parseLedgerItem({ ...kEarn, explanation: [] }).steps, []);
  const page = api.parseLoyaltyPage({ items: [kEarn], next: '40' }, api.parseLedgerItem);
  assert.equal(page.next, '40');
  assert.equal(api.parseLoyaltyPage({ items: [], next: null }, api.parseLedgerItem).next, null);
});

test('a refund answer gives the points taken back and the new balance', () => {
  const purchase = { id: 9, contact_id: 7, company_id: null, lines: [], total_minor: 12000, currency: 'EUR', channel: '', store: '', occurred_at: '2026-11-24T10:00:00Z', external_id: '', points_earned: 12, rules_version: 0, refunded_minor: 6000, points_reversed: 6, recorded_at: '2026-11-24T10:00:00Z' };
  const recorded = api.parseRecordedRefund({
    refund: { id: 1, purchase_id: 9, amount_minor: 6000, reason: 'damaged', external_id: '', occurred_at: '2026-11-24T11:00:00Z', points_reversed: 6, points_written_off: 0, recorded_at: '2026-11-24T11:00:00Z' },
    purchase, points_balance: 6, points_pending: 0,
  });
  assert.equal(recorded.refund.points_reversed, 6);
  assert.equal(recorded.purchase.refunded_minor, 6000);
  assert.equal(recorded.points_balance, 6);
});

test('the rules view is parsed with every member; absent members take the defaults', () => {
  const view = api.parseRulesView({ version: 3, updated_at: '2026-11-24T10:00:00Z', updated_by: 'user:1', rules: kRules });
  assert.equal(view.version, 3);
  assert.equal(view.rules.rates[1].currency, '');
  assert.deepEqual(view.rules.expiry, { kind: 'rolling_months', months: 12 });
  const defaults = api.parseRulesView({ version: 0, updated_at: null, updated_by: '', rules: {} });
  assert.equal(defaults.updated_at, null);
  assert.equal(defaults.rules.time_zone, 'UTC');
  assert.equal(defaults.rules.expiry.kind, 'never');
  assert.throws(() => api.parseRulesView({ rules: kRules }), /version/);
});

test('paths carry the limit and the cursor of the next page', () => {
  assert.equal(api.summaryPath(7), '/api/v1/contacts/7/loyalty');
  assert.equal(api.ledgerPath(7, null), '/api/v1/contacts/7/loyalty/ledger?limit=20');
  assert.equal(api.ledgerPath(7, '41', 5), '/api/v1/contacts/7/loyalty/ledger?limit=5&cursor=41');
  assert.equal(api.purchasesPath(7, '9'), '/api/v1/contacts/7/purchases?limit=20&cursor=9');
  assert.equal(api.refundsPath(9), '/api/v1/purchases/9/refunds');
  assert.equal(api.adjustmentsPath(7), '/api/v1/contacts/7/loyalty/adjustments');
  assert.equal(api.kRulesPath, '/api/v1/loyalty/rules');
});

test('money uses the currency\'s minor digits from Intl', () => {
  assert.equal(api.currencyDigits('EUR'), 2);
  assert.equal(api.currencyDigits('JPY'), 0);
  assert.equal(api.currencyDigits('KWD'), 3);
  assert.equal(api.formatMoney('en', 123456, 'EUR'), '€1,234.56');
  assert.equal(api.formatMoney('en', 1500, 'JPY'), '¥1,500');
  assert.match(api.formatMoney('ru', 123456, 'EUR'), /^1\s234,56\s€$/);
  assert.equal(api.minorToInput(6000, 'EUR'), '60.00');
  assert.equal(api.minorToInput(1500, 'JPY'), '1500');
});

test('a typed amount becomes minor units; too many decimals, zero and text are refused', () => {
  assert.equal(api.parseMoneyInput('60', 'EUR'), 6000);
  assert.equal(api.parseMoneyInput('12,5', 'EUR'), 1250);
  assert.equal(api.parseMoneyInput(' 1 234.56 ', 'EUR'), 123456);
  assert.equal(api.parseMoneyInput('1500', 'JPY'), 1500);
  assert.equal(api.parseMoneyInput('15.5', 'JPY'), null);
  assert.equal(api.parseMoneyInput('1.234', 'EUR'), null);
  assert.equal(api.parseMoneyInput('1.234', 'KWD'), 1234);
  assert.equal(api.parseMoneyInput('0', 'EUR'), null);
  assert.equal(api.parseMoneyInput('-5', 'EUR'), null);
  assert.equal(api.parseMoneyInput('abc', 'EUR'), null);
  assert.equal(api.parseMoneyInput('', 'EUR'), null);
});

test('points are whole numbers with the locale\'s grouping; changes carry their sign', () => {
  assert.equal(api.formatPoints('en', 12345), '12,345');
  assert.match(api.formatPoints('ru', 12345), /^12\s345$/);
  assert.equal(api.formatSignedPoints('en', 120), '+120');
  assert.equal(api.formatSignedPoints('en', -40), '-40');
  assert.equal(api.formatSignedPoints('en', 0), '0');
  assert.equal(api.parseSignedPoints('+50'), 50);
  assert.equal(api.parseSignedPoints(' -20 '), -20);
  assert.equal(api.parseSignedPoints('\u221220'), -20);
  assert.equal(api.parseSignedPoints('0'), null);
  assert.equal(api.parseSignedPoints('1.5'), null);
  assert.equal(api.parseSignedPoints(''), null);
});

test('a 422 invalid_rules problem keeps its problems by field', () => {
  const problem = client.parseProblem({ status: 422, code: 'invalid_rules', problems: [{ field: 'pending_days', reason: 'must be at most 365' }, { field: 7 }] });
  assert.deepEqual(problem.problems, [{ field: 'pending_days', reason: 'must be at most 365' }, { field: '', reason: '' }]);
  assert.deepEqual(logic.problemsByField([{ field: 'rates[0].points', reason: 'a' }, { field: 'rates[0].points', reason: 'b' }, { field: '', reason: 'c' }]), {
    'rates[0].points': 'a; b',
    rules: 'c',
  });
});

test('the rules survive a round trip through the form draft', () => {
  const rules = api.parseRules(kRules);
  const draft = logic.draftOfRules(rules);
  assert.equal(draft.channels, 'web, store');
  assert.equal(draft.pending_days, '14');
  const back = logic.rulesOfDraft(draft);
  assert.deepEqual(back.not_whole, []);
  assert.deepEqual(back.rules, rules);
});

test('numbers that are not whole are named like the server names them and nothing is lost', () => {
  const draft = logic.draftOfRules(api.parseRules(kRules));
  const edited = { ...draft, pending_days: '1.5', rates: [{ currency: 'eur ', points: 'x', per_units: '10' }], expiry_months: '' };
  const { rules, not_whole } = logic.rulesOfDraft(edited);
  assert.deepEqual(not_whole, ['rates[0].points', 'pending_days', 'expiry.months']);
  assert.equal(rules.rates[0].currency, 'EUR');
  // Months are not asked for kinds that do not count them.
  const never = logic.rulesOfDraft({ ...draft, expiry_kind: 'end_of_year', expiry_months: '' });
  assert.deepEqual(never.not_whole, []);
  assert.deepEqual(never.rules.expiry, { kind: 'end_of_year', months: 0 });
  assert.deepEqual(logic.rulesOfDraft({ ...draft, channels: ' web ; ,store,' }).rules.channels, ['web', 'store']);
});

test('problems of fields the form does not show are listed apart', () => {
  const draft = logic.draftOfRules(api.parseRules(kRules));
  const names = logic.formFieldNames(draft);
  assert.ok(names.has('rates[1].per_units'));
  assert.ok(names.has('category_multipliers[0].percent'));
  assert.ok(!names.has('sku_multipliers[0].percent'));
  const problems = { pending_days: 'too many', rules: 'not an object', 'sku_multipliers[3].key': 'empty' };
  assert.deepEqual(logic.problemsWithoutField(problems, names), [['rules', 'not an object'], ['sku_multipliers[3].key', 'empty']]);
  assert.equal(logic.wholeNumber(' 7 '), 7);
  assert.equal(logic.wholeNumber('-3'), -3);
  assert.equal(logic.wholeNumber(''), null);
  assert.equal(logic.wholeNumber('1e3'), null);
});
