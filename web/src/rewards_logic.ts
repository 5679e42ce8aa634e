// Pure helpers of the rewards pages: a reward's state in the catalogue (available, switched off,
// not yet or no longer in its window, out of stock); whether a member can redeem it now and, when
// not, why (the order the server checks: availability, stock, the per-client limit, the points);
// the texts of prices, stock, windows and reasons (plural forms from Intl.PluralRules); and the
// catalogue form as a draft (numbers and days kept as typed) and back to the body of POST or the
// changed members of PATCH /rewards/{id}. Availability windows are edited as calendar days in the
// browser's zone: the first day from its start, the last day to its end (the server's end is
// exclusive). Whatever the server would refuse anyway (a price of 0, a window ending before it
// starts) is left for its 422, which names the field.
// No DOM, no I/O: unit-tested in test/rewards.test.mjs.
import { formatPoints } from './api/loyalty';
import type { Redemption, Reward, RewardInputBody, RewardPatch } from './api/rewards';
import type { MessageKey } from './i18n/en';
import { dayEndInstant, dayStartInstant, localInputOfInstant, pluralForm, wholeNumber, type Translate } from './loyalty_logic';

// --- States and chances

export type RewardState = 'available' | 'inactive' | 'scheduled' | 'ended' | 'out_of_stock';

type Availability = Pick<Reward, 'active' | 'available_from' | 'available_until' | 'stock'>;

// What the catalogue says of a reward at `now_ms`, the way the server decides a redemption:
// switched off first, then its window (from inclusive, until exclusive), then its stock.
export function rewardState(reward: Availability, now_ms: number): RewardState {
  if (!reward.active) return 'inactive';
  if (reward.available_from !== null && now_ms < Date.parse(reward.available_from)) return 'scheduled';
  if (reward.available_until !== null && now_ms >= Date.parse(reward.available_until)) return 'ended';
  if (reward.stock !== null && reward.stock <= 0) return 'out_of_stock';
  return 'available';
}

// The rewards a member is offered on the card: switched on and within their window (out of stock
// too, shown as such), cheapest first.
export function offeredRewards(rewards: readonly Reward[], now_ms: number): Reward[] {
  return rewards
    .filter((reward) => {
      const state = rewardState(reward, now_ms);
      return state === 'available' || state === 'out_of_stock';
    })
    .sort((left, right) => left.points_price - right.points_price || left.id - right.id);
}

// How many of a reward the member holds in the active redemptions given.
export function heldQuantity(redemptions: readonly Pick<Redemption, 'reward_id' | 'state' | 'quantity'>[], reward_id: number): number {
  return redemptions.filter((item) => item.reward_id === reward_id && item.state === 'active').reduce((sum, item) => sum + item.quantity, 0);
}

export type RewardBlock = Exclude<RewardState, 'available'> | 'limit_reached' | 'insufficient_points';

export interface RewardChance {
  redeemable: boolean;
  block: RewardBlock | null;  // why not, when not
  missing_points: number;  // how many points the member is short of one (0 when enough)
  balance_after: number;  // the balance after one redemption (negative when short)
}

// Whether a member with `balance` points, holding `held` of the reward, can redeem one now.
export function rewardChance(reward: Availability & Pick<Reward, 'points_price' | 'per_customer_limit'>, balance: number, held: number, now_ms: number): RewardChance {
  const balance_after = balance - reward.points_price;
  const missing_points = Math.max(0, -balance_after);
  const state = rewardState(reward, now_ms);
  let block: RewardBlock | null = null;
  if (state !== 'available') block = state;
  else if (reward.per_customer_limit !== null && held + 1 > reward.per_customer_limit) block = 'limit_reached';
  else if (missing_points > 0) block = 'insufficient_points';
  return { redeemable: block === null, block, missing_points, balance_after };
}

// --- Texts

const kPoints = { one: 'rewards.points.one', few: 'rewards.points.few', many: 'rewards.points.many', other: 'rewards.points.other' } as const;
const kShort = { one: 'rewards.short.one', few: 'rewards.short.few', many: 'rewards.short.many', other: 'rewards.short.other' } as const;

// "80 points" / "80 баллов".
export function pointsPhrase(t: Translate, locale: string, count: number): string {
  return t(kPoints[pluralForm(locale, count)], { count: formatPoints(locale, count) });
}

// What is left in stock: a number with the locale's grouping, or "unlimited".
export function stockText(t: Translate, locale: string, stock: number | null): string {
  return stock === null ? t('rewards.stock_unlimited') : formatPoints(locale, stock);
}

// The instant to show as the last day of a window whose end is exclusive (the millisecond before).
export function lastDayInstant(until: string): string {
  const until_ms = Date.parse(until);
  return Number.isNaN(until_ms) ? until : new Date(until_ms - 1).toISOString();
}

// "always", "from 1 Dec 2026", "until 31 Dec 2026", "1 Dec 2026 – 31 Dec 2026"; `day` formats an
// instant as a calendar day; the end is shown as the last day the reward can be redeemed.
export function rewardWindowText(t: Translate, day: (instant: string) => string, reward: Pick<Reward, 'available_from' | 'available_until'>): string {
  const from = reward.available_from === null ? null : day(reward.available_from);
  const until = reward.available_until === null ? null : day(lastDayInstant(reward.available_until));
  if (from === null && until === null) return t('rewards.window.always');
  if (until === null) return t('rewards.window.from', { from: from ?? '' });
  if (from === null) return t('rewards.window.until', { until });
  return t('rewards.window.between', { from, until });
}

const kBlockKeys: Readonly<Record<Exclude<RewardBlock, 'insufficient_points' | 'limit_reached' | 'scheduled'>, MessageKey>> = {
  inactive: 'rewards.block.inactive',
  ended: 'rewards.block.ended',
  out_of_stock: 'rewards.block.out_of_stock',
};

// Why a member cannot redeem a reward now, in words ("Needs 40 more points", "Out of stock",
// "Limit reached: at most 1 per client", "Available from 1 Dec 2026"); null when they can.
export function rewardBlockText(
  t: Translate,
  locale: string,
  chance: RewardChance,
  reward: Pick<Reward, 'per_customer_limit' | 'available_from'>,
  day: (instant: string) => string,
): string | null {
  switch (chance.block) {
    case null:
      return null;
    case 'insufficient_points':
      return t(kShort[pluralForm(locale, chance.missing_points)], { count: formatPoints(locale, chance.missing_points) });
    case 'limit_reached':
      return t('rewards.block.limit_reached', { count: formatPoints(locale, reward.per_customer_limit ?? 0) });
    case 'scheduled':
      return t('rewards.block.scheduled', { date: reward.available_from === null ? '' : day(reward.available_from) });
    default:
      return t(kBlockKeys[chance.block]);
  }
}

// --- The catalogue form

export interface RewardDraft {
  name: string;
  description: string;
  kind: string;
  points_price: string;
  stock: string;  // '' unlimited
  per_customer_limit: string;  // '' none
  available_from: string;  // the first day ("2026-12-01"), '' open
  available_until: string;  // the last day, '' open
  active: boolean;
}

export const kNewReward: RewardDraft = {
  name: '',
  description: '',
  kind: 'goods',
  points_price: '',
  stock: '',
  per_customer_limit: '',
  available_from: '',
  available_until: '',
  active: true,
};

// The calendar day of an instant in `zone` ("2026-11-30T21:00:00Z", Europe/Moscow → "2026-12-01").
export function localDay(instant: string, zone: string): string {
  return localInputOfInstant(instant, zone).slice(0, 10);
}

export function draftOfReward(reward: Reward, zone: string): RewardDraft {
  return {
    name: reward.name,
    description: reward.description,
    kind: reward.kind,
    points_price: String(reward.points_price),
    stock: reward.stock === null ? '' : String(reward.stock),
    per_customer_limit: reward.per_customer_limit === null ? '' : String(reward.per_customer_limit),
    available_from: reward.available_from === null ? '' : localDay(reward.available_from, zone),
    available_until: reward.available_until === null ? '' : localDay(lastDayInstant(reward.available_until), zone),
    active: reward.active,
  };
}

export interface RewardFromDraft {
  body: RewardInputBody;
  problems: Record<string, MessageKey>;  // by the server's field names; nothing is sent when any
}

// The body of POST /rewards for a draft (days read in `zone`). A number or a day that cannot be
// read is a problem of its field; an empty stock is unlimited, an empty limit none, an empty day
// an open end.
export function rewardOfDraft(draft: RewardDraft, zone: string): RewardFromDraft {
  const problems: Record<string, MessageKey> = {};
  const whole = (input: string, field: string): number => {
    const value = wholeNumber(input);
    if (value === null) problems[field] = 'coupon.problem.whole';
    return value ?? 0;
  };
  const optionalWhole = (input: string, field: string): number | null => (input.trim() === '' ? null : whole(input, field));
  const day = (input: string, field: string, read: (date: string, zone: string) => string | null): string | null => {
    if (input.trim() === '') return null;
    const instant = read(input, zone);
    if (instant === null) problems[field] = 'coupon.problem.day';
    return instant;
  };
  const body: RewardInputBody = {
    name: draft.name.trim(),
    description: draft.description.trim(),
    kind: draft.kind,
    points_price: whole(draft.points_price, 'points_price'),
    stock: optionalWhole(draft.stock, 'stock'),
    per_customer_limit: optionalWhole(draft.per_customer_limit, 'per_customer_limit'),
    available_from: day(draft.available_from, 'available_from', dayStartInstant),
    available_until: day(draft.available_until, 'available_until', dayEndInstant),
    active: draft.active,
  };
  return { body, problems };
}

const kDraftFields = ['name', 'description', 'kind', 'points_price', 'stock', 'per_customer_limit', 'available_from', 'available_until', 'active'] as const;

export interface RewardPatchFromDraft {
  patch: RewardPatch;  // only the members the person changed
  problems: Record<string, MessageKey>;
}

// The PATCH for what changed between the draft a form started from and the one it holds now: a
// field left as it was is not sent (so a window end that is not a local midnight survives an edit
// of the price), a field emptied is sent as null (unlimited stock, no limit, an open end).
export function rewardPatchOfDraft(before: RewardDraft, after: RewardDraft, zone: string): RewardPatchFromDraft {
  const { body, problems } = rewardOfDraft(after, zone);
  const patch: Record<string, unknown> = {};
  const changed_problems: Record<string, MessageKey> = {};
  for (const field of kDraftFields) {
    if (before[field] === after[field]) continue;
    patch[field] = body[field];
    const problem = problems[field];
    if (problem !== undefined) changed_problems[field] = problem;
  }
  return { patch: patch as RewardPatch, problems: changed_problems };
}
