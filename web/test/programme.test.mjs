// Unit tests of the loyalty programme code that needs no browser: tiers, promotions and bonuses in
// the rules and their form draft (src/api/loyalty.ts, src/loyalty_logic.ts), local times of a time
// zone, the card's tier texts in English and Russian, coupons' values, states and create draft,
// and the answers and paths of coupons, referrals and tiers (src/api/programme.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const api = await importTs('src/api/loyalty.ts');
const programme = await importTs('src/api/programme.ts');
const logic = await importTs('src/loyalty_logic.ts');
const { translate } = await importTs('src/i18n/locale.ts');

const en = (key, params) => translate('en', key, params);
const ru = (key, params) => translate('ru', key, params);

const kTiers = {
  tiers: [
    { key: 'silver', name: 'Silver', min_spend_minor: 50000, min_purchases: 3, earn_percent: 125, discount_percent: 5, sla_class: 'standard' },
    { key: 'gold', name: 'Gold', min_spend_minor: 100000, min_purchases: 5, earn_percent: 150, discount_percent: 10, sla_class: 'priority' },
  ],
  qualification: 'spend_or_purchases',
  currency: 'EUR',
  window_months: 12,
  period_months: 12,
  grace_days: 30,
};

const kRules = {
  rates: [{ currency: '', points: 1, per_units: 1 }],
  category_multipliers: [],
  sku_multipliers: [],
  minimum_spend_minor: 0,
  channels: [],
  pending_days: 0,
  cap_per_day: 0,
  cap_per_month: 0,
  expiry: { kind: 'never', months: 0 },
  time_zone: 'Europe/Moscow',
  tiers: kTiers,
  promotions: [
    { key: 'black_friday', name: 'Black Friday', starts_at: '2026-11-26T21:00:00Z', ends_at: '2026-11-29T21:00:00Z', category: 'shoes', channel: 'web', percent: 200, bonus_points: 50 },
  ],
  bonuses: { welcome: 100, birthday: 200, referral_referrer: 300, referral_referred: 150, referral_minimum_minor: 2000, referral_deadline_days: 45, referral_limit: 10 },
};

const kMemberTier = {
  current: { key: 'silver', name: 'Silver', earn_percent: 125, discount_percent: 5, sla_class: 'standard' },
  since: '2026-05-01T00:00:00Z',
  review_at: '2027-05-01T00:00:00Z',
  grace_until: null,
  next: { key: 'gold', name: 'Gold', min_spend_minor: 100000, min_purchases: 5 },
  progress: { spend_minor: 88000, purchases: 3, spend_to_next_minor: 12000, purchases_to_next: 2, spend_to_keep_minor: 0, purchases_to_keep: 0 },
  currency: 'EUR',
  window_months: 12,
};

const kCoupon = {
  id: 12, code: 'WELCOME10', name: 'Welcome', kind: 'percent_off', points: 0, percent_off: 10, amount_off_minor: 0, currency: '',
  contact_id: null, valid_from: null, valid_until: '2027-01-01T00:00:00Z', max_uses: 100, max_uses_per_member: 1, uses: 4,
  active: true, created_at: '2026-11-01T10:00:00Z', created_by: 'user:1',
};

const kReferral = {
  id: 5, referrer_id: 7, referred_id: 9, code: 'REF7ABCD', referred_at: '2026-11-01T10:00:00Z', state: 'rewarded', purchase_id: 31, rewarded_at: '2026-11-02T10:00:00Z',
};

const day = (instant) => instant.slice(0, 10);

// --- rules

test('the rules carry tiers, promotions and bonuses; stored rules without them read as the defaults', () => {
  const rules = api.parseRules(kRules);
  assert.equal(rules.tiers.tiers[1].key, 'gold');
  assert.equal(rules.tiers.qualification, 'spend_or_purchases');
  assert.equal(rules.promotions[0].percent, 200);
  assert.equal(rules.bonuses.referral_deadline_days, 45);
  const old = api.parseRules({ rates: [] });
  assert.deepEqual(old.tiers, { tiers: [], qualification: 'spend', currency: '', window_months: 12, period_months: 12, grace_days: 0 });
  assert.deepEqual(old.promotions, []);
  assert.deepEqual(old.bonuses, { welcome: 0, birthday: 0, referral_referrer: 0, referral_referred: 0, referral_minimum_minor: 0, referral_deadline_days: 30, referral_limit: 0 });
  assert.throws(() => api.parseRules({ ...kRules, tiers: { tiers: [{ min_spend_minor: '5' }] } }), /min_spend_minor/);
});

test('tiers, promotions and bonuses survive a round trip through the form draft', () => {
  const rules = api.parseRules(kRules);
  const draft = logic.draftOfRules(rules);
  assert.equal(draft.tiers[0].min_spend, '500.00');
  assert.equal(draft.tier_grace_days, '30');
  // Promotion times are shown in the programme's zone (Moscow, UTC+3).
  assert.equal(draft.promotions[0].starts_at, '2026-11-27T00:00');
  assert.equal(draft.bonus_referral_minimum_minor, '2000');
  const back = logic.rulesOfDraft(draft);
  assert.deepEqual([back.not_whole, back.not_amount, back.not_time], [[], [], []]);
  assert.deepEqual(back.rules, rules);
});

test('an edited draft: amounts in the tiers\' currency, promotion times in the edited zone', () => {
  const draft = logic.draftOfRules(api.parseRules(kRules));
  const edited = {
    ...draft,
    time_zone: 'UTC',
    tier_currency: ' jpy ',
    tiers: [{ ...draft.tiers[0], min_spend: '1 500', key: ' silver ' }],
    promotions: [{ ...draft.promotions[0], starts_at: '2026-12-01T00:00', ends_at: '2026-12-02T12:30:15' }],
  };
  const { rules, not_whole, not_amount, not_time } = logic.rulesOfDraft(edited);
  assert.deepEqual([not_whole, not_amount, not_time], [[], [], []]);
  assert.equal(rules.tiers.currency, 'JPY');
  assert.equal(rules.tiers.tiers[0].min_spend_minor, 1500);
  assert.equal(rules.tiers.tiers[0].key, 'silver');
  // A threshold may be zero, unlike a refund's amount.
  assert.equal(api.parseAmountInput('0', 'EUR'), 0);
  assert.equal(api.parseMoneyInput('0', 'EUR'), null);
  assert.equal(rules.promotions[0].starts_at, '2026-12-01T00:00:00Z');
  assert.equal(rules.promotions[0].ends_at, '2026-12-02T12:30:15Z');
});

test('values that cannot be read are named like the server names them', () => {
  const draft = logic.draftOfRules(api.parseRules(kRules));
  const edited = {
    ...draft,
    tiers: [draft.tiers[0], { ...draft.tiers[1], min_spend: '12.345', min_purchases: 'five', earn_percent: '1.5' }],
    tier_window_months: '',
    promotions: [{ ...draft.promotions[0], ends_at: '2026-02-30T00:00', bonus_points: '-' }],
    bonus_welcome: 'lots',
  };
  const { not_whole, not_amount, not_time } = logic.rulesOfDraft(edited);
  assert.deepEqual(not_whole, ['tiers.window_months', 'bonuses.welcome', 'tiers.tiers[1].min_purchases', 'tiers.tiers[1].earn_percent', 'promotions[0].bonus_points']);
  assert.deepEqual(not_amount, ['tiers.tiers[1].min_spend_minor']);
  assert.deepEqual(not_time, ['promotions[0].ends_at']);
});

test('the form shows problems of tiers, promotions and bonuses next to their fields', () => {
  const draft = logic.draftOfRules(api.parseRules(kRules));
  const names = logic.formFieldNames(draft);
  for (const name of ['tiers.tiers[1].min_spend_minor', 'tiers.tiers[0]', 'tiers.currency', 'tiers.grace_days', 'promotions[0].ends_at', 'bonuses.referral_limit', 'tiers.tiers']) {
    assert.ok(names.has(name), name);
  }
  const problems = logic.problemsByField([
    { field: 'tiers.tiers[1].min_spend_minor', reason: 'must be at least the previous tier\'s' },
    { field: 'tiers.tiers[2].key', reason: 'empty' },
    { field: 'promotions[1].ends_at', reason: 'before the start' },
  ]);
  assert.deepEqual(logic.problemsWithoutField(problems, names), [
    ['tiers.tiers[2].key', 'empty'],
    ['promotions[1].ends_at', 'before the start'],
  ]);
});

test('rows move up and down; the ends stay put', () => {
  assert.deepEqual(logic.moveRow(['a', 'b', 'c'], 2, -1), ['a', 'c', 'b']);
  assert.deepEqual(logic.moveRow(['a', 'b', 'c'], 0, 1), ['b', 'a', 'c']);
  assert.deepEqual(logic.moveRow(['a', 'b', 'c'], 0, -1), ['a', 'b', 'c']);
  assert.deepEqual(logic.moveRow(['a', 'b', 'c'], 2, 1), ['a', 'b', 'c']);
});

// --- local times

test('local times of a zone become instants and back, across clock changes', () => {
  assert.equal(logic.instantOfLocalInput('2026-12-01T00:00', 'Europe/Moscow'), '2026-11-30T21:00:00Z');
  assert.equal(logic.instantOfLocalInput('2026-07-01T00:00', 'America/Los_Angeles'), '2026-07-01T07:00:00Z');
  assert.equal(logic.instantOfLocalInput('2026-01-01T00:00', 'America/Los_Angeles'), '2026-01-01T08:00:00Z');
  // Berlin's clocks go from 02:00 to 03:00 on 29 March 2026 and back from 03:00 to 02:00 on 25 October.
  assert.equal(logic.instantOfLocalInput('2026-03-29T03:30', 'Europe/Berlin'), '2026-03-29T01:30:00Z');
  assert.equal(logic.instantOfLocalInput('2026-03-29T01:30', 'Europe/Berlin'), '2026-03-29T00:30:00Z');
  assert.ok(['2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z'].includes(logic.instantOfLocalInput('2026-03-29T02:30', 'Europe/Berlin')));
  assert.equal(logic.localInputOfInstant('2026-10-25T00:30:00Z', 'Europe/Berlin'), '2026-10-25T02:30');
  assert.equal(logic.localInputOfInstant('2026-10-25T01:30:00Z', 'Europe/Berlin'), '2026-10-25T02:30');
  assert.equal(logic.localInputOfInstant('2026-11-30T21:00:05Z', 'Europe/Moscow'), '2026-12-01T00:00:05');
  // An unknown zone reads as UTC (the server refuses the zone itself); bad text is refused.
  assert.equal(logic.instantOfLocalInput('2026-12-01T10:00', 'Mars/Olympus'), '2026-12-01T10:00:00Z');
  assert.equal(logic.instantOfLocalInput('2026-02-29T10:00', 'UTC'), null);
  assert.equal(logic.instantOfLocalInput('2026-12-01T24:00', 'UTC'), null);
  assert.equal(logic.instantOfLocalInput('2026-12-01', 'UTC'), null);
  assert.equal(logic.instantOfLocalInput('', 'UTC'), null);
  assert.equal(logic.localInputOfInstant('not a time', 'UTC'), 'not a time');
});

test('a day begins at local midnight and its exclusive end is the next one', () => {
  assert.equal(logic.dayStartInstant('2026-12-31', 'Europe/Moscow'), '2026-12-30T21:00:00Z');
  assert.equal(logic.dayEndInstant('2026-12-31', 'Europe/Moscow'), '2026-12-31T21:00:00Z');
  assert.equal(logic.dayEndInstant('2028-02-28', 'UTC'), '2028-02-29T00:00:00Z');
  assert.equal(logic.dayEndInstant('2026-03-28', 'Europe/Berlin'), '2026-03-28T23:00:00Z');
  assert.equal(logic.dayEndInstant('2026-02-30', 'UTC'), null);
  assert.equal(logic.dayStartInstant('31.12.2026', 'UTC'), null);
});

// --- the card's tier

test('a member tier is parsed from the summary; no tiers reads as null', () => {
  const summary = api.parseSummary({ contact_id: 7, points_balance: 10, lots: [], tier: kMemberTier });
  assert.equal(summary.tier.current.name, 'Silver');
  assert.equal(summary.tier.next.min_purchases, 5);
  assert.equal(summary.tier.progress.spend_to_next_minor, 12000);
  assert.equal(api.parseSummary({ contact_id: 7, points_balance: 10, lots: [], tier: null }).tier, null);
  const none = api.parseMemberTier({ ...kMemberTier, current: null, since: null, review_at: null });
  assert.equal(none.current, null);
  assert.throws(() => api.parseMemberTier({ ...kMemberTier, current: { name: 'x' } }), /key/);
});

test('what a member needs to reach the next tier, by qualification', () => {
  assert.equal(logic.tierReachText(en, 'en', kMemberTier, 'spend_or_purchases'), 'Spend €120.00 or make 2 more purchases to reach Gold');
  assert.equal(logic.tierReachText(en, 'en', kMemberTier, 'spend_and_purchases'), 'Spend €120.00 more and make 2 more purchases to reach Gold');
  const spend_only = { ...kMemberTier, progress: { ...kMemberTier.progress, purchases_to_next: 0 } };
  assert.equal(logic.tierReachText(en, 'en', spend_only, 'spend'), 'Spend €120.00 more to reach Gold');
  const one_purchase = { ...kMemberTier, progress: { ...kMemberTier.progress, spend_to_next_minor: 0, purchases_to_next: 1 } };
  assert.equal(logic.tierReachText(en, 'en', one_purchase, 'purchases'), 'Make 1 more purchase to reach Gold');
  const met = { ...kMemberTier, progress: { ...kMemberTier.progress, spend_to_next_minor: 0, purchases_to_next: 0 } };
  assert.match(logic.tierReachText(en, 'en', met, 'spend'), /thresholds of Gold are met/);
  const top = { ...kMemberTier, current: { ...kMemberTier.current, name: 'Gold' }, next: null };
  assert.equal(logic.tierReachText(en, 'en', top, 'spend'), 'Gold is the highest tier.');
  assert.equal(logic.tierReachText(en, 'en', { ...kMemberTier, current: null, next: null }, 'spend'), null);
});

test('what a member needs to keep their tier at the review, or at the end of grace', () => {
  assert.equal(logic.tierKeepText(en, 'en', kMemberTier, 'spend', day), 'Silver is kept at the review on 2027-05-01: the thresholds are met.');
  const short = { ...kMemberTier, progress: { ...kMemberTier.progress, spend_to_keep_minor: 3000 } };
  assert.equal(logic.tierKeepText(en, 'en', short, 'spend', day), 'To keep Silver at the review on 2027-05-01: spend €30.00 more');
  const both = { ...short, progress: { ...short.progress, purchases_to_keep: 1 } };
  assert.equal(logic.tierKeepText(en, 'en', both, 'spend_or_purchases', day), 'To keep Silver at the review on 2027-05-01: spend €30.00 more or make 1 more purchase');
  assert.equal(logic.tierKeepText(en, 'en', both, 'spend_and_purchases', day), 'To keep Silver at the review on 2027-05-01: spend €30.00 more and make 1 more purchase');
  const grace = { ...short, grace_until: '2027-05-31T00:00:00Z' };
  assert.match(logic.tierKeepText(en, 'en', grace, 'spend', day), /review on 2027-05-31/);
  assert.equal(logic.tierKeepText(en, 'en', { ...kMemberTier, current: null }, 'spend', day), null);
  assert.equal(logic.tierKeepText(en, 'en', { ...kMemberTier, review_at: null }, 'spend', day), null);
});

test('the tier texts speak Russian with its plural forms', () => {
  assert.match(logic.tierReachText(ru, 'ru', kMemberTier, 'spend_or_purchases'), /^Потратьте ещё 120,00\s€ или совершите ещё 2 покупки, чтобы перейти на уровень Gold$/);
  const five = { ...kMemberTier, progress: { ...kMemberTier.progress, spend_to_next_minor: 0, purchases_to_next: 5 } };
  assert.equal(logic.tierReachText(ru, 'ru', five, 'purchases'), 'Совершите ещё 5 покупок, чтобы перейти на уровень Gold');
  assert.equal(logic.purchasesPhrase(ru, 'ru', 21), 'ещё 21 покупку');
  assert.equal(logic.purchaseCount(ru, 'ru', 3), '3 покупки');
  assert.equal(logic.purchaseCount(en, 'en', 1), '1 purchase');
  assert.equal(logic.pluralForm('ru', 11), 'many');
  assert.equal(logic.pluralForm('en', 2), 'other');
});

test('the earning multiplier of a tier', () => {
  assert.equal(logic.earnMultiplier('en', 150), '×1.5');
  assert.equal(logic.earnMultiplier('en', 100), '×1');
  assert.equal(logic.earnMultiplier('ru', 125), '×1,25');
});

// --- statement

test('a bonus entry names its rule; an earn has no bonus', () => {
  const bonus = api.parseLedgerItem({ id: 3, kind: 'bonus', points: 100, explanation: { rule: 'welcome', key: 'welcome', detail: 'first purchase' }, reason: 'first purchase' });
  assert.deepEqual(bonus.bonus, { rule: 'welcome', key: 'welcome', detail: 'first purchase' });
  assert.deepEqual(bonus.steps, []);
  const earn = api.parseLedgerItem({ id: 4, kind: 'earn', points: 12, explanation: { rules_version: 1, steps: [{ rule: 'promotion', detail: 'Black Friday ×200%', points: 6 }] } });
  assert.equal(earn.bonus, null);
  assert.equal(earn.steps[0].rule, 'promotion');
  assert.equal(api.parseLedgerItem({ id: 5, kind: 'bonus', points: 1, explanation: null }).bonus, null);
});

// --- coupons

test('a coupon says what it gives and whether it can be used now', () => {
  const now = Date.parse('2026-12-01T00:00:00Z');
  assert.equal(logic.couponValueText(en, 'en', kCoupon), '10% off');
  assert.equal(logic.couponValueText(en, 'en', { ...kCoupon, kind: 'points', points: 1500 }), '+1,500 points');
  assert.equal(logic.couponValueText(en, 'en', { ...kCoupon, kind: 'amount_off', amount_off_minor: 500, currency: 'EUR' }), '€5.00 off');
  assert.equal(logic.couponValueText(ru, 'ru', kCoupon), 'скидка 10%');
  assert.equal(logic.couponState(kCoupon, now), 'active');
  assert.equal(logic.couponState({ ...kCoupon, active: false }, now), 'inactive');
  assert.equal(logic.couponState(kCoupon, Date.parse('2027-01-01T00:00:00Z')), 'expired');
  assert.equal(logic.couponState({ ...kCoupon, valid_from: '2026-12-02T00:00:00Z' }, now), 'scheduled');
  assert.equal(logic.couponState({ ...kCoupon, uses: 100 }, now), 'used_up');
  assert.equal(logic.couponState({ ...kCoupon, max_uses: null, uses: 1000 }, now), 'active');
});

test('the create form sends only what the kind needs; an empty code is left to the server', () => {
  const points = logic.couponOfDraft({ ...logic.kNewCoupon, name: ' Autumn ', points: '500' }, 'UTC');
  assert.deepEqual(points.problems, {});
  assert.deepEqual(points.body, { name: 'Autumn', kind: 'points', points: 500, max_uses: null, max_uses_per_member: 1 });
  const personal = logic.couponOfDraft(
    { ...logic.kNewCoupon, code: ' vip-7 ', name: 'VIP', kind: 'percent_off', percent_off: '15', contact_id: '7', valid_from: '2026-12-01', valid_until: '2026-12-31', max_uses: '3', max_uses_per_member: '2' },
    'Europe/Moscow',
  );
  assert.deepEqual(personal.problems, {});
  assert.deepEqual(personal.body, {
    name: 'VIP', kind: 'percent_off', code: 'VIP-7', percent_off: 15, contact_id: 7,
    valid_from: '2026-11-30T21:00:00Z', valid_until: '2026-12-31T21:00:00Z', max_uses: 3, max_uses_per_member: 2,
  });
  const amount = logic.couponOfDraft({ ...logic.kNewCoupon, name: 'Five off', kind: 'amount_off', amount_off: '5', currency: 'eur' }, 'UTC');
  assert.equal(amount.body.amount_off_minor, 500);
  assert.equal(amount.body.currency, 'EUR');
  const bad = logic.couponOfDraft({ ...logic.kNewCoupon, kind: 'amount_off', amount_off: '0', contact_id: 'x', valid_until: '2026-02-30', max_uses: '1.5' }, 'UTC');
  assert.deepEqual(Object.keys(bad.problems).sort(), ['amount_off_minor', 'contact_id', 'max_uses', 'valid_until']);
  assert.equal(bad.problems.amount_off_minor, 'coupon.problem.amount');
});

test('coupon, referral and tiers answers are parsed; a bad member is refused', () => {
  const page = programme.parseCouponPage({ items: [kCoupon], next: 11 });
  assert.equal(page.items[0].code, 'WELCOME10');
  assert.equal(page.items[0].max_uses, 100);
  assert.equal(page.next, '11');
  assert.equal(programme.parseCouponPage({ items: [], next: null }).next, null);
  assert.equal(programme.parseCoupon({ ...kCoupon, max_uses: null, contact_id: 7 }).contact_id, 7);
  assert.throws(() => programme.parseCoupon({ ...kCoupon, active: 'yes' }), /active/);
  const check = programme.parseCouponCheck({ usable: false, problem: 'the coupon has expired', coupon: kCoupon });
  assert.equal(check.usable, false);
  assert.equal(check.coupon.id, 12);
  assert.equal(programme.parseCouponCheck({ usable: false, problem: 'unknown code', coupon: null }).coupon, null);

  const graph = programme.parseReferralGraph({ code: 'REF9XYZW', referred_by: kReferral, referrals: [{ ...kReferral, id: 6, referrer_id: 9, referred_id: 11, state: 'pending', purchase_id: null, rewarded_at: null }], next: null, rewarded: 0 });
  assert.equal(graph.code, 'REF9XYZW');
  assert.equal(graph.referred_by.referrer_id, 7);
  assert.equal(graph.referrals[0].state, 'pending');
  assert.equal(programme.parseReferralGraph({ code: null, referred_by: null, referrals: [], next: null, rewarded: 0 }).code, null);
  assert.throws(() => programme.parseReferral({ ...kReferral, referrer_id: null }), /referrer_id/);
  assert.equal(programme.parseReferralCode({ code: 'REF7ABCD' }), 'REF7ABCD');

  const tiers = programme.parseTiersOverview({ programme: kTiers, members: [{ tier_key: 'silver', members: 4 }, { tier_key: '', members: 10 }] });
  assert.equal(tiers.programme.tiers.length, 2);
  assert.deepEqual(tiers.members[0], { tier_key: 'silver', members: 4 });
});

test('coupon, referral and tiers paths', () => {
  assert.equal(programme.couponsPath({}, null), '/api/v1/coupons?limit=50');
  assert.equal(programme.couponsPath({ contact_id: 7, include_inactive: true }, '12', 10), '/api/v1/coupons?contact_id=7&include_inactive=true&before=12&limit=10');
  assert.equal(programme.couponPath(12), '/api/v1/coupons/12');
  assert.equal(programme.couponCheckPath('WELCOME 10', 7), '/api/v1/coupons/check?code=WELCOME+10&contact_id=7');
  assert.equal(programme.couponCheckPath('A', 7, 'EUR'), '/api/v1/coupons/check?code=A&contact_id=7&currency=EUR');
  assert.equal(programme.referralsPath(7, null), '/api/v1/contacts/7/referrals?limit=20');
  assert.equal(programme.referralsPath(7, '5'), '/api/v1/contacts/7/referrals?before=5&limit=20');
  assert.equal(programme.referralCodePath(7), '/api/v1/contacts/7/referral-code');
  assert.equal(programme.kReferralsPath, '/api/v1/referrals');
  assert.equal(programme.kTiersPath, '/api/v1/loyalty/tiers');
});
