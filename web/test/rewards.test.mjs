// Unit tests of the rewards code that needs no browser: the answers and paths of the rewards API
// (src/api/rewards.ts), and the pure helpers of src/rewards_logic.ts: a reward's state, whether a
// member can redeem it and why not (in English and Russian, with plural forms), the texts of
// prices, stock and windows, and the catalogue form's draft to the POST body and to a PATCH of
// what changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const api = await importTs('src/api/rewards.ts');
const logic = await importTs('src/rewards_logic.ts');
const { translate } = await importTs('src/i18n/locale.ts');

const en = (key, params) => translate('en', key, params);
const ru = (key, params) => translate('ru', key, params);
const day = (instant) => instant.slice(0, 10);
// Intl groups Russian thousands with a no-break space; compare with plain spaces.
const plain = (text) => text.replace(/[\u00a0\u202f]/g, ' ');

const kReward = {
  id: 4,
  name: 'Coffee mug',
  description: 'Ceramic, 300 ml',
  kind: 'goods',
  points_price: 80,
  stock: 5,
  per_customer_limit: null,
  available_from: null,
  available_until: null,
  active: true,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};

const kRedemption = {
  id: 31,
  reward_id: 4,
  contact_id: 9,
  quantity: 1,
  points: 80,
  state: 'active',
  transaction_id: 112,
  cancel_transaction_id: null,
  created_at: '2026-11-24T10:00:00Z',
  cancelled_at: null,
  actor: 'user:1',
  external_id: 'ui-00ff',
};

const kNow = Date.parse('2026-11-24T12:00:00Z');

// --- the API's answers and paths

test('rewards, redemptions and the outcome of a redemption are read as the server writes them', () => {
  assert.deepEqual(api.parseReward(kReward), kReward);
  const page = api.parseRewardPage({ items: [kReward, { ...kReward, id: 5, stock: null, per_customer_limit: 2 }], next: '5' });
  assert.equal(page.items.length, 2);
  assert.equal(page.items[1].stock, null);
  assert.equal(page.items[1].per_customer_limit, 2);
  assert.equal(page.next, '5');
  assert.equal(api.parseRewardPage({ items: [], next: null }).next, null);
  assert.deepEqual(api.parseRedemption(kRedemption), kRedemption);
  const cancelled = api.parseRedemptionPage({ items: [{ ...kRedemption, state: 'cancelled', cancel_transaction_id: 120, cancelled_at: '2026-11-24T11:00:00Z' }], next: null });
  assert.equal(cancelled.items[0].cancel_transaction_id, 120);
  assert.equal(cancelled.items[0].cancelled_at, '2026-11-24T11:00:00Z');
  const outcome = api.parseRedemptionOutcome({ redemption: kRedemption, reward: { ...kReward, stock: 4 }, points_balance: 40 });
  assert.equal(outcome.points_balance, 40);
  assert.equal(outcome.reward.stock, 4);
  assert.equal(outcome.redemption.id, 31);
});

test('an answer of the wrong shape is refused', () => {
  assert.throws(() => api.parseReward({ ...kReward, points_price: '80' }));
  assert.throws(() => api.parseReward({ ...kReward, name: undefined }));
  assert.throws(() => api.parseReward({ ...kReward, stock: 1.5 }));
  assert.throws(() => api.parseRedemption({ ...kRedemption, state: undefined }));
  assert.throws(() => api.parseRedemptionOutcome({ redemption: kRedemption, reward: kReward }));
  assert.throws(() => api.parseRewardPage({ items: {} }));
});

test('paths page with the cursor and ask for inactive rewards only when wanted', () => {
  assert.equal(api.rewardsPath({}, null), '/api/v1/rewards?limit=50');
  assert.equal(api.rewardsPath({ include_inactive: true }, '12'), '/api/v1/rewards?include_inactive=true&cursor=12&limit=50');
  assert.equal(api.rewardsPath({ include_inactive: false }, null, 500), '/api/v1/rewards?limit=500');
  assert.equal(api.rewardPath(7), '/api/v1/rewards/7');
  assert.equal(api.contactRedemptionsPath(9, null), '/api/v1/contacts/9/redemptions?limit=20');
  assert.equal(api.contactRedemptionsPath(9, '31'), '/api/v1/contacts/9/redemptions?cursor=31&limit=20');
  assert.equal(api.redemptionCancelPath(31), '/api/v1/redemptions/31/cancel');
  assert.equal(api.kRedemptionsPath, '/api/v1/redemptions');
});

test('refusal codes are recognised; anything else is not a refusal', () => {
  for (const code of ['not_available', 'out_of_stock', 'limit_reached', 'insufficient_points', 'already_cancelled', 'external_id_reused']) {
    assert.equal(api.redemptionRefusal(code), code);
  }
  assert.equal(api.redemptionRefusal('conflict'), null);
  assert.equal(api.redemptionRefusal(undefined), null);
});

test('an external id is "ui-" and the random bytes in hex, within the server\'s 128 bytes', () => {
  assert.equal(api.redemptionExternalId(new Uint8Array([0, 1, 171, 255])), 'ui-0001abff');
  const id = api.redemptionExternalId(new Uint8Array(12).fill(7));
  assert.match(id, /^ui-(07){12}$/);
  assert.ok(id.length <= 128);
});

// --- states and chances

test('a reward\'s state: switched off, then its window (until is exclusive), then its stock', () => {
  assert.equal(logic.rewardState(kReward, kNow), 'available');
  assert.equal(logic.rewardState({ ...kReward, stock: null }, kNow), 'available');
  assert.equal(logic.rewardState({ ...kReward, stock: 0 }, kNow), 'out_of_stock');
  assert.equal(logic.rewardState({ ...kReward, active: false, stock: 0 }, kNow), 'inactive');
  assert.equal(logic.rewardState({ ...kReward, available_from: '2026-11-24T12:00:01Z', stock: 0 }, kNow), 'scheduled');
  assert.equal(logic.rewardState({ ...kReward, available_from: '2026-11-24T12:00:00Z' }, kNow), 'available');
  assert.equal(logic.rewardState({ ...kReward, available_until: '2026-11-24T12:00:00Z' }, kNow), 'ended');
  assert.equal(logic.rewardState({ ...kReward, available_until: '2026-11-24T12:00:01Z' }, kNow), 'available');
});

test('the card offers rewards that are on and in their window, out of stock too, cheapest first', () => {
  const rewards = [
    { ...kReward, id: 1, points_price: 300 },
    { ...kReward, id: 2, points_price: 50, active: false },
    { ...kReward, id: 3, points_price: 100, stock: 0 },
    { ...kReward, id: 4, points_price: 100 },
    { ...kReward, id: 5, points_price: 10, available_until: '2026-11-01T00:00:00Z' },
    { ...kReward, id: 6, points_price: 20, available_from: '2026-12-01T00:00:00Z' },
  ];
  assert.deepEqual(logic.offeredRewards(rewards, kNow).map((reward) => reward.id), [3, 4, 1]);
});

test('what a member holds counts the quantity of active redemptions of that reward only', () => {
  const items = [
    { reward_id: 4, state: 'active', quantity: 2 },
    { reward_id: 4, state: 'cancelled', quantity: 5 },
    { reward_id: 8, state: 'active', quantity: 1 },
    { reward_id: 4, state: 'active', quantity: 1 },
  ];
  assert.equal(logic.heldQuantity(items, 4), 3);
  assert.equal(logic.heldQuantity(items, 9), 0);
});

test('whether a member can redeem: availability, stock, the limit, then the points', () => {
  assert.deepEqual(logic.rewardChance(kReward, 120, 0, kNow), { redeemable: true, block: null, missing_points: 0, balance_after: 40 });
  assert.deepEqual(logic.rewardChance(kReward, 80, 0, kNow), { redeemable: true, block: null, missing_points: 0, balance_after: 0 });
  assert.deepEqual(logic.rewardChance(kReward, 50, 0, kNow), { redeemable: false, block: 'insufficient_points', missing_points: 30, balance_after: -30 });
  const limited = { ...kReward, per_customer_limit: 2 };
  assert.equal(logic.rewardChance(limited, 500, 1, kNow).block, null);
  assert.equal(logic.rewardChance(limited, 500, 2, kNow).block, 'limit_reached');
  assert.equal(logic.rewardChance(limited, 10, 2, kNow).block, 'limit_reached');
  assert.equal(logic.rewardChance({ ...limited, stock: 0 }, 10, 2, kNow).block, 'out_of_stock');
  assert.equal(logic.rewardChance({ ...kReward, active: false, stock: 0 }, 10, 0, kNow).block, 'inactive');
});

// --- texts

test('points and what a member is short of, with the plural forms of each language', () => {
  assert.equal(logic.pointsPhrase(en, 'en', 1), '1 point');
  assert.equal(logic.pointsPhrase(en, 'en', 80), '80 points');
  assert.equal(logic.pointsPhrase(ru, 'ru', 1), '1 балл');
  assert.equal(logic.pointsPhrase(ru, 'ru', 3), '3 балла');
  assert.equal(logic.pointsPhrase(ru, 'ru', 5), '5 баллов');
  assert.equal(logic.pointsPhrase(ru, 'ru', 21), '21 балл');
  assert.equal(plain(logic.pointsPhrase(ru, 'ru', 1234)), '1 234 балла');
  const short = (locale, t, points) => logic.rewardBlockText(t, locale, logic.rewardChance({ ...kReward, points_price: points }, 0, 0, kNow), kReward, day);
  assert.equal(short('en', en, 1), 'Needs 1 more point');
  assert.equal(short('en', en, 40), 'Needs 40 more points');
  assert.equal(short('ru', ru, 1), 'Не хватает 1 балла');
  assert.equal(short('ru', ru, 2), 'Не хватает 2 баллов');
  assert.equal(short('ru', ru, 5), 'Не хватает 5 баллов');
  assert.equal(short('ru', ru, 21), 'Не хватает 21 балла');
});

test('why a reward cannot be redeemed, in words; nothing when it can', () => {
  const text = (reward, balance, held) => logic.rewardBlockText(en, 'en', logic.rewardChance(reward, balance, held, kNow), reward, day);
  assert.equal(text(kReward, 500, 0), null);
  assert.equal(text({ ...kReward, stock: 0 }, 500, 0), 'Out of stock');
  assert.equal(text({ ...kReward, per_customer_limit: 1 }, 500, 1), 'Limit reached: at most 1 per client');
  assert.equal(text({ ...kReward, active: false }, 500, 0), 'Switched off');
  assert.equal(text({ ...kReward, available_until: '2026-11-01T00:00:00Z' }, 500, 0), 'No longer available');
  assert.equal(text({ ...kReward, available_from: '2026-12-01T00:00:00Z' }, 500, 0), 'Available from 2026-12-01');
  const ru_text = logic.rewardBlockText(ru, 'ru', logic.rewardChance({ ...kReward, stock: 0 }, 500, 0, kNow), kReward, day);
  assert.equal(ru_text, 'Нет в наличии');
});

test('stock and windows: unlimited, always, and the last day of an exclusive end', () => {
  assert.equal(logic.stockText(en, 'en', null), 'unlimited');
  assert.equal(logic.stockText(ru, 'ru', null), 'без ограничений');
  assert.equal(logic.stockText(en, 'en', 1500), '1,500');
  assert.equal(logic.stockText(en, 'en', 0), '0');
  assert.equal(logic.lastDayInstant('2027-01-01T00:00:00Z'), '2026-12-31T23:59:59.999Z');
  const window = (from, until) => logic.rewardWindowText(en, day, { available_from: from, available_until: until });
  assert.equal(window(null, null), 'always');
  assert.equal(window('2026-12-01T00:00:00Z', null), 'from 2026-12-01');
  assert.equal(window(null, '2027-01-01T00:00:00Z'), 'until 2026-12-31');
  assert.equal(window('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'), '2026-12-01 – 2026-12-31');
  assert.equal(logic.rewardWindowText(ru, day, { available_from: null, available_until: null }), 'бессрочно');
});

// --- the catalogue form

test('a new reward\'s draft becomes the POST body: days read in the zone, empty fields unlimited or open', () => {
  const draft = { ...logic.kNewReward, name: '  Coffee mug ', points_price: '80', stock: '5', available_from: '2026-12-01', available_until: '2026-12-31' };
  const { body, problems } = logic.rewardOfDraft(draft, 'Europe/Moscow');
  assert.deepEqual(problems, {});
  assert.deepEqual(body, {
    name: 'Coffee mug',
    description: '',
    kind: 'goods',
    points_price: 80,
    stock: 5,
    per_customer_limit: null,
    available_from: '2026-11-30T21:00:00Z',
    available_until: '2026-12-31T21:00:00Z',
    active: true,
  });
  assert.deepEqual(logic.rewardOfDraft({ ...logic.kNewReward, name: 'x', points_price: '10' }, 'UTC').body.available_until, null);
});

test('numbers and days that cannot be read are problems of their fields; ranges are the server\'s', () => {
  const { problems } = logic.rewardOfDraft({ ...logic.kNewReward, name: 'x', points_price: 'eighty', stock: '2.5', per_customer_limit: 'one', available_until: '31.12' }, 'UTC');
  assert.deepEqual(Object.keys(problems).sort(), ['available_until', 'per_customer_limit', 'points_price', 'stock']);
  assert.equal(problems.points_price, 'coupon.problem.whole');
  assert.equal(problems.available_until, 'coupon.problem.day');
  assert.deepEqual(logic.rewardOfDraft({ ...logic.kNewReward, points_price: '' }, 'UTC').problems, { points_price: 'coupon.problem.whole' });
  // A price of 0 or a negative stock is sent: the server's 422 names the field.
  const sent = logic.rewardOfDraft({ ...logic.kNewReward, name: 'x', points_price: '0', stock: '-1' }, 'UTC');
  assert.deepEqual(sent.problems, {});
  assert.equal(sent.body.points_price, 0);
  assert.equal(sent.body.stock, -1);
});

test('a stored reward\'s draft shows its window as local days, the end as its last day', () => {
  const reward = { ...kReward, per_customer_limit: 2, available_from: '2026-11-30T21:00:00Z', available_until: '2026-12-31T21:00:00Z', active: false };
  const draft = logic.draftOfReward(reward, 'Europe/Moscow');
  assert.deepEqual(draft, {
    name: 'Coffee mug',
    description: 'Ceramic, 300 ml',
    kind: 'goods',
    points_price: '80',
    stock: '5',
    per_customer_limit: '2',
    available_from: '2026-12-01',
    available_until: '2026-12-31',
    active: false,
  });
  assert.equal(logic.draftOfReward({ ...kReward, stock: null }, 'UTC').stock, '');
  // Round trip: the draft gives back the instants it was made of.
  const { body } = logic.rewardOfDraft(draft, 'Europe/Moscow');
  assert.equal(body.available_from, reward.available_from);
  assert.equal(body.available_until, reward.available_until);
});

test('an edit sends only what changed; an emptied field clears it', () => {
  // A window end that is not a local midnight is not rewritten by an edit of another field.
  const reward = { ...kReward, per_customer_limit: 2, available_until: '2026-12-31T15:30:00Z' };
  const before = logic.draftOfReward(reward, 'UTC');
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before }, 'UTC'), { patch: {}, problems: {} });
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, stock: '7' }, 'UTC'), { patch: { stock: 7 }, problems: {} });
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, stock: '', per_customer_limit: '' }, 'UTC').patch, { stock: null, per_customer_limit: null });
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, active: false, points_price: '90' }, 'UTC').patch, { points_price: 90, active: false });
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, available_until: '' }, 'UTC').patch, { available_until: null });
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, available_until: '2027-01-15' }, 'UTC').patch, { available_until: '2027-01-16T00:00:00Z' });
  // A problem of a field that changed stops the edit; an unchanged field is not read again.
  assert.deepEqual(logic.rewardPatchOfDraft(before, { ...before, stock: 'many' }, 'UTC').problems, { stock: 'coupon.problem.whole' });
});
