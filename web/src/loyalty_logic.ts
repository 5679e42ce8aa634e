// Pure helpers of the loyalty pages: the programme's rules (earning, tiers, promotions, bonuses)
// as a form draft (every number kept as the text the person typed, so a half-typed value is not
// lost) and back to the rules the API takes, with the fields that are not whole numbers, amounts
// or times named the way the server names them ("rates[0].per_units", "tiers.tiers[1].min_spend_minor",
// "promotions[0].ends_at"); 422 problems grouped by field for the form; local times of a time zone
// to and from instants; the card's tier texts ("what you need to reach or keep a tier"); and
// coupons' values, states and the create form's draft.
// No DOM, no I/O: unit-tested in test/loyalty.test.mjs and test/programme.test.mjs.
import type { FieldError } from './api/client';
import { formatMoney, formatPoints, minorToInput, parseAmountInput, type EarningRules, type MemberTier, type Multiplier, type Promotion, type Rate, type TierDefinition } from './api/loyalty';
import type { Coupon, CouponDraftBody } from './api/programme';
import type { MessageKey } from './i18n/en';
import type { MessageParams } from './i18n/locale';

export type Translate = (key: MessageKey, params?: MessageParams) => string;

export interface RateDraft {
  currency: string;  // '' means any currency without its own rate
  points: string;
  per_units: string;
}

export interface MultiplierDraft {
  key: string;
  percent: string;
}

export interface TierDraft {
  key: string;
  name: string;
  min_spend: string;  // an amount in the tiers' currency ("500", "499.90")
  min_purchases: string;
  earn_percent: string;
  discount_percent: string;
  sla_class: string;
}

export interface PromotionDraft {
  key: string;
  name: string;
  starts_at: string;  // local time in the programme's zone, as a datetime-local input: "2026-12-01T00:00"
  ends_at: string;
  category: string;
  channel: string;
  percent: string;
  bonus_points: string;
}

// The bonus rules' members, each with the name the server gives its problems.
export const kBonusFields = [
  ['bonus_welcome', 'bonuses.welcome'],
  ['bonus_birthday', 'bonuses.birthday'],
  ['bonus_referral_referrer', 'bonuses.referral_referrer'],
  ['bonus_referral_referred', 'bonuses.referral_referred'],
  ['bonus_referral_minimum_minor', 'bonuses.referral_minimum_minor'],
  ['bonus_referral_deadline_days', 'bonuses.referral_deadline_days'],
  ['bonus_referral_limit', 'bonuses.referral_limit'],
] as const;

export type BonusDraftKey = (typeof kBonusFields)[number][0];

export interface RulesDraft extends Record<BonusDraftKey, string> {
  rates: RateDraft[];
  category_multipliers: MultiplierDraft[];
  sku_multipliers: MultiplierDraft[];
  minimum_spend_minor: string;
  channels: string;  // comma-separated
  pending_days: string;
  cap_per_day: string;
  cap_per_month: string;
  expiry_kind: string;
  expiry_months: string;
  time_zone: string;
  tiers: TierDraft[];
  tier_qualification: string;
  tier_currency: string;
  tier_window_months: string;
  tier_period_months: string;
  tier_grace_days: string;
  promotions: PromotionDraft[];
}

export function draftOfTier(tier: TierDefinition, currency: string): TierDraft {
  return {
    key: tier.key,
    name: tier.name,
    min_spend: minorToInput(tier.min_spend_minor, currency),
    min_purchases: String(tier.min_purchases),
    earn_percent: String(tier.earn_percent),
    discount_percent: String(tier.discount_percent),
    sla_class: tier.sla_class,
  };
}

export function draftOfPromotion(promotion: Promotion, zone: string): PromotionDraft {
  return {
    key: promotion.key,
    name: promotion.name,
    starts_at: localInputOfInstant(promotion.starts_at, zone),
    ends_at: localInputOfInstant(promotion.ends_at, zone),
    category: promotion.category,
    channel: promotion.channel,
    percent: String(promotion.percent),
    bonus_points: String(promotion.bonus_points),
  };
}

export const kNewTier: TierDraft = { key: '', name: '', min_spend: '0', min_purchases: '0', earn_percent: '100', discount_percent: '0', sla_class: '' };
export const kNewPromotion: PromotionDraft = { key: '', name: '', starts_at: '', ends_at: '', category: '', channel: '', percent: '100', bonus_points: '0' };

// Moves item `from` of a list one place up (-1) or down (+1); the list as is at either end.
export function moveRow<T>(items: readonly T[], from: number, step: -1 | 1): T[] {
  const to = from + step;
  if (from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items];
  const result = [...items];
  const [item] = result.splice(from, 1);
  result.splice(to, 0, item as T);
  return result;
}

export function draftOfRules(rules: EarningRules): RulesDraft {
  return {
    rates: rules.rates.map((rate) => ({ currency: rate.currency, points: String(rate.points), per_units: String(rate.per_units) })),
    category_multipliers: rules.category_multipliers.map((item) => ({ key: item.key, percent: String(item.percent) })),
    sku_multipliers: rules.sku_multipliers.map((item) => ({ key: item.key, percent: String(item.percent) })),
    minimum_spend_minor: String(rules.minimum_spend_minor),
    channels: rules.channels.join(', '),
    pending_days: String(rules.pending_days),
    cap_per_day: String(rules.cap_per_day),
    cap_per_month: String(rules.cap_per_month),
    expiry_kind: rules.expiry.kind,
    expiry_months: String(rules.expiry.months),
    time_zone: rules.time_zone,
    tiers: rules.tiers.tiers.map((tier) => draftOfTier(tier, rules.tiers.currency)),
    tier_qualification: rules.tiers.qualification,
    tier_currency: rules.tiers.currency,
    tier_window_months: String(rules.tiers.window_months),
    tier_period_months: String(rules.tiers.period_months),
    tier_grace_days: String(rules.tiers.grace_days),
    promotions: rules.promotions.map((promotion) => draftOfPromotion(promotion, rules.time_zone)),
    bonus_welcome: String(rules.bonuses.welcome),
    bonus_birthday: String(rules.bonuses.birthday),
    bonus_referral_referrer: String(rules.bonuses.referral_referrer),
    bonus_referral_referred: String(rules.bonuses.referral_referred),
    bonus_referral_minimum_minor: String(rules.bonuses.referral_minimum_minor),
    bonus_referral_deadline_days: String(rules.bonuses.referral_deadline_days),
    bonus_referral_limit: String(rules.bonuses.referral_limit),
  };
}

// A whole number typed in a form ("12", " 7 ", "-3"); null for anything else, "" included.
export function wholeNumber(input: string): number | null {
  const trimmed = input.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

export interface RulesFromDraft {
  rules: EarningRules;
  not_whole: string[];  // fields (server names) whose text is not a whole number
  not_amount: string[];  // fields whose text is not an amount of the tiers' currency
  not_time: string[];  // fields whose text is not a local date and time
}

// The rules to send. Numbers that are not whole numbers, amounts that are not amounts and times
// that are not times are listed (the caller does not send then); range checks are the server's
// (422 invalid_rules names each problem). Promotion times are read in the draft's time zone.
export function rulesOfDraft(draft: RulesDraft): RulesFromDraft {
  const not_whole: string[] = [];
  const not_amount: string[] = [];
  const not_time: string[] = [];
  const number = (input: string, field: string): number => {
    const value = wholeNumber(input);
    if (value === null) {
      not_whole.push(field);
      return 0;
    }
    return value;
  };
  const rates: Rate[] = draft.rates.map((rate, index) => ({
    currency: rate.currency.trim().toUpperCase(),
    points: number(rate.points, `rates[${index}].points`),
    per_units: number(rate.per_units, `rates[${index}].per_units`),
  }));
  const multipliers = (items: MultiplierDraft[], name: string): Multiplier[] =>
    items.map((item, index) => ({ key: item.key.trim(), percent: number(item.percent, `${name}[${index}].percent`) }));
  const rules: EarningRules = {
    rates,
    category_multipliers: multipliers(draft.category_multipliers, 'category_multipliers'),
    sku_multipliers: multipliers(draft.sku_multipliers, 'sku_multipliers'),
    minimum_spend_minor: number(draft.minimum_spend_minor, 'minimum_spend_minor'),
    channels: draft.channels
      .split(/[,;\n]/)
      .map((channel) => channel.trim())
      .filter((channel) => channel !== ''),
    pending_days: number(draft.pending_days, 'pending_days'),
    cap_per_day: number(draft.cap_per_day, 'cap_per_day'),
    cap_per_month: number(draft.cap_per_month, 'cap_per_month'),
    // Months only mean something for the kinds that count them; 0 is sent otherwise.
    expiry: {
      kind: draft.expiry_kind,
      months: draft.expiry_kind === 'rolling_months' || draft.expiry_kind === 'inactivity_months' ? number(draft.expiry_months, 'expiry.months') : 0,
    },
    time_zone: draft.time_zone.trim(),
    tiers: {
      tiers: [],
      qualification: draft.tier_qualification,
      currency: draft.tier_currency.trim().toUpperCase(),
      window_months: number(draft.tier_window_months, 'tiers.window_months'),
      period_months: number(draft.tier_period_months, 'tiers.period_months'),
      grace_days: number(draft.tier_grace_days, 'tiers.grace_days'),
    },
    promotions: [],
    bonuses: {
      welcome: number(draft.bonus_welcome, 'bonuses.welcome'),
      birthday: number(draft.bonus_birthday, 'bonuses.birthday'),
      referral_referrer: number(draft.bonus_referral_referrer, 'bonuses.referral_referrer'),
      referral_referred: number(draft.bonus_referral_referred, 'bonuses.referral_referred'),
      referral_minimum_minor: number(draft.bonus_referral_minimum_minor, 'bonuses.referral_minimum_minor'),
      referral_deadline_days: number(draft.bonus_referral_deadline_days, 'bonuses.referral_deadline_days'),
      referral_limit: number(draft.bonus_referral_limit, 'bonuses.referral_limit'),
    },
  };
  const currency = rules.tiers.currency;
  rules.tiers.tiers = draft.tiers.map((tier, index) => {
    const field = `tiers.tiers[${index}]`;
    const spend = parseAmountInput(tier.min_spend, currency);
    if (spend === null) not_amount.push(`${field}.min_spend_minor`);
    return {
      key: tier.key.trim(),
      name: tier.name.trim(),
      min_spend_minor: spend ?? 0,
      min_purchases: number(tier.min_purchases, `${field}.min_purchases`),
      earn_percent: number(tier.earn_percent, `${field}.earn_percent`),
      discount_percent: number(tier.discount_percent, `${field}.discount_percent`),
      sla_class: tier.sla_class.trim(),
    };
  });
  const zone = rules.time_zone;
  rules.promotions = draft.promotions.map((promotion, index) => {
    const field = `promotions[${index}]`;
    const time = (input: string, member: string): string => {
      const instant = instantOfLocalInput(input, zone);
      if (instant === null) not_time.push(`${field}.${member}`);
      return instant ?? '';
    };
    return {
      key: promotion.key.trim(),
      name: promotion.name.trim(),
      starts_at: time(promotion.starts_at, 'starts_at'),
      ends_at: time(promotion.ends_at, 'ends_at'),
      category: promotion.category.trim(),
      channel: promotion.channel.trim(),
      percent: number(promotion.percent, `${field}.percent`),
      bonus_points: number(promotion.bonus_points, `${field}.bonus_points`),
    };
  });
  return { rules, not_whole, not_amount, not_time };
}

// Problems keyed by field ("rates[1].points" stays as is); two problems of one field are joined.
export function problemsByField(problems: readonly FieldError[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const problem of problems) {
    const field = problem.field === '' ? 'rules' : problem.field;
    result[field] = result[field] ? `${result[field]}; ${problem.reason}` : problem.reason;
  }
  return result;
}

// The problems no field of the form shows (a field the form does not know): listed at the top.
export function problemsWithoutField(problems: Record<string, string>, shown: ReadonlySet<string>): [string, string][] {
  return Object.entries(problems).filter(([field]) => !shown.has(field));
}

// The names of every field the rules form shows for a draft, for `problemsWithoutField`.
export function formFieldNames(draft: RulesDraft): Set<string> {
  const names = new Set([
    'minimum_spend_minor',
    'channels',
    'pending_days',
    'cap_per_day',
    'cap_per_month',
    'expiry',
    'expiry.kind',
    'expiry.months',
    'time_zone',
    'tiers',
    'tiers.tiers',
    'tiers.qualification',
    'tiers.currency',
    'tiers.window_months',
    'tiers.period_months',
    'tiers.grace_days',
    'promotions',
    'bonuses',
    ...kBonusFields.map(([, field]) => field),
  ]);
  draft.tiers.forEach((_, index) => {
    for (const member of ['', '.key', '.name', '.min_spend_minor', '.min_purchases', '.earn_percent', '.discount_percent', '.sla_class']) names.add(`tiers.tiers[${index}]${member}`);
  });
  draft.promotions.forEach((_, index) => {
    for (const member of ['', '.key', '.name', '.starts_at', '.ends_at', '.category', '.channel', '.percent', '.bonus_points']) names.add(`promotions[${index}]${member}`);
  });
  draft.rates.forEach((_, index) => {
    for (const member of ['', '.currency', '.points', '.per_units']) names.add(`rates[${index}]${member}`);
  });
  for (const list of ['category_multipliers', 'sku_multipliers'] as const) {
    draft[list].forEach((_, index) => {
      for (const member of ['', '.key', '.percent']) names.add(`${list}[${index}]${member}`);
    });
  }
  return names;
}

// --- Local times of a time zone

const zone_formats = new Map<string, Intl.DateTimeFormat>();

// A formatter of wall-clock fields in `zone`; UTC's for a zone Intl does not know (the server
// refuses such a zone, and says so next to the time zone field).
function wallClock(zone: string): Intl.DateTimeFormat {
  let format = zone_formats.get(zone);
  if (format === undefined) {
    const options: Intl.DateTimeFormatOptions = { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' };
    try {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone === '' ? 'UTC' : zone });
    } catch {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: 'UTC' });
    }
    zone_formats.set(zone, format);
  }
  return format;
}

// The wall-clock time in `zone` at an instant, as milliseconds of a UTC date with those fields.
function wallClockMs(epoch_ms: number, zone: string): number {
  const parts: Record<string, number> = {};
  for (const part of wallClock(zone).formatToParts(epoch_ms)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

// An instant as RFC 3339 UTC without fractions: "2026-12-01T00:00:00Z".
export function rfc3339(epoch_ms: number): string {
  return new Date(epoch_ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// An instant (RFC 3339) as the local time of a datetime-local input in `zone`:
// "2026-11-30T21:00:00Z", Europe/Moscow → "2026-12-01T00:00" (seconds only when not 0).
// Text that is not an instant is returned as is, so the form shows what the server has.
export function localInputOfInstant(instant: string, zone: string): string {
  const epoch_ms = Date.parse(instant);
  if (instant === '' || Number.isNaN(epoch_ms)) return instant;
  const local = new Date(wallClockMs(epoch_ms, zone));
  const text = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return local.getUTCSeconds() === 0 ? text : `${text}:${pad(local.getUTCSeconds())}`;
}

// A datetime-local input ("2026-12-01T00:00", seconds optional) read in `zone` as an RFC 3339
// instant; null for anything else. A time skipped by a clock change reads as the instant the
// clock jumped past it would have had with the earlier offset.
export function instantOfLocalInput(input: string, zone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(input.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? '0')) as [number, number, number, number, number, number];
  const local_ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local_ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  const first_offset = wallClockMs(local_ms, zone) - local_ms;
  let epoch_ms = local_ms - first_offset;
  const second_offset = wallClockMs(epoch_ms, zone) - epoch_ms;
  if (second_offset !== first_offset) epoch_ms = local_ms - second_offset;
  return rfc3339(epoch_ms);
}

// The first instant of a calendar day ("2026-12-31") in `zone`, and the first instant after it
// (an exclusive end: a coupon valid until 31 December is usable all that day).
export function dayStartInstant(date: string, zone: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(date.trim()) ? instantOfLocalInput(`${date.trim()}T00:00`, zone) : null;
}

export function dayEndInstant(date: string, zone: string): string | null {
  const trimmed = date.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(trimmed) || dayStartInstant(trimmed, zone) === null) return null;
  const next = new Date(Date.parse(`${trimmed}T00:00:00Z`) + 86_400_000);
  return instantOfLocalInput(`${next.toISOString().slice(0, 10)}T00:00`, zone);
}

// The browser's time zone (the coupon form's days), UTC when it cannot be told.
export function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

// --- Tiers on the card

// The plural form of a count in the locale that the dictionaries have keys for.
export function pluralForm(locale: string, count: number): 'one' | 'few' | 'many' | 'other' {
  const form = new Intl.PluralRules(locale).select(count);
  return form === 'one' || form === 'few' || form === 'many' ? form : 'other';
}

const kMorePurchases = { one: 'tier.more_purchases.one', few: 'tier.more_purchases.few', many: 'tier.more_purchases.many', other: 'tier.more_purchases.other' } as const;
const kPurchases = { one: 'tier.purchases.one', few: 'tier.purchases.few', many: 'tier.purchases.many', other: 'tier.purchases.other' } as const;

// "2 more purchases" / "ещё 2 покупки" with the plural form of the locale.
export function purchasesPhrase(t: Translate, locale: string, count: number): string {
  return t(kMorePurchases[pluralForm(locale, count)], { count: formatPoints(locale, count) });
}

// "3 purchases" / "3 покупки".
export function purchaseCount(t: Translate, locale: string, count: number): string {
  return t(kPurchases[pluralForm(locale, count)], { count: formatPoints(locale, count) });
}

// The earning multiplier of a tier: 150 → "×1.5", 100 → "×1".
export function earnMultiplier(locale: string, percent: number): string {
  return `×${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(percent / 100)}`;
}

// "Spend €120.00 or make 2 more purchases to reach Gold": what the member is missing for the next
// tier, worded by the programme's qualification ('spend_and_purchases' needs both). The top tier
// says so; null without a next tier and without a current one.
export function tierReachText(t: Translate, locale: string, tier: MemberTier, qualification: string): string | null {
  if (tier.next === null) return tier.current === null ? null : t('tier.top', { tier: tier.current.name || tier.current.key });
  const name = tier.next.name || tier.next.key;
  const spend = tier.progress.spend_to_next_minor;
  const count = tier.progress.purchases_to_next;
  const amount = formatMoney(locale, spend, tier.currency);
  const purchases = purchasesPhrase(t, locale, count);
  if (spend > 0 && count > 0) {
    return t(qualification === 'spend_and_purchases' ? 'tier.reach_spend_and_purchases' : 'tier.reach_spend_or_purchases', { amount, purchases, tier: name });
  }
  if (spend > 0) return t('tier.reach_spend', { amount, tier: name });
  if (count > 0) return t('tier.reach_purchases', { purchases, tier: name });
  return t('tier.reach_met', { tier: name });
}

// "To keep Silver at the review on 1 May 2027: spend €30.00 more": what the window is short of the
// current tier at its next review (the end of grace while in grace); null without a tier or review.
// `day` formats the review instant.
export function tierKeepText(t: Translate, locale: string, tier: MemberTier, qualification: string, day: (instant: string) => string): string | null {
  if (tier.current === null) return null;
  const due = tier.grace_until ?? tier.review_at;
  if (due === null) return null;
  const name = tier.current.name || tier.current.key;
  const date = day(due);
  const spend = tier.progress.spend_to_keep_minor;
  const count = tier.progress.purchases_to_keep;
  const amount = formatMoney(locale, spend, tier.currency);
  const purchases = purchasesPhrase(t, locale, count);
  if (spend > 0 && count > 0) {
    return t(qualification === 'spend_and_purchases' ? 'tier.keep_spend_and_purchases' : 'tier.keep_spend_or_purchases', { amount, purchases, tier: name, date });
  }
  if (spend > 0) return t('tier.keep_spend', { amount, tier: name, date });
  if (count > 0) return t('tier.keep_purchases', { purchases, tier: name, date });
  return t('tier.keep_met', { tier: name, date });
}

// --- Coupons

// What a coupon gives: "+500 points", "10% off", "€5.00 off".
export function couponValueText(t: Translate, locale: string, coupon: Pick<Coupon, 'kind' | 'points' | 'percent_off' | 'amount_off_minor' | 'currency'>): string {
  if (coupon.kind === 'points') return t('coupon.value.points', { points: formatPoints(locale, coupon.points) });
  if (coupon.kind === 'percent_off') return t('coupon.value.percent_off', { percent: coupon.percent_off });
  if (coupon.kind === 'amount_off') return t('coupon.value.amount_off', { amount: formatMoney(locale, coupon.amount_off_minor, coupon.currency) });
  return coupon.kind;
}

export type CouponState = 'active' | 'inactive' | 'scheduled' | 'expired' | 'used_up';

// Whether a coupon can be used at `now_ms` as far as the coupon alone tells (a member's own uses
// are the server's to check): switched off, not yet valid, over, every use taken, or active.
export function couponState(coupon: Pick<Coupon, 'active' | 'valid_from' | 'valid_until' | 'max_uses' | 'uses'>, now_ms: number): CouponState {
  if (!coupon.active) return 'inactive';
  if (coupon.valid_until !== null && Date.parse(coupon.valid_until) <= now_ms) return 'expired';
  if (coupon.valid_from !== null && Date.parse(coupon.valid_from) > now_ms) return 'scheduled';
  if (coupon.max_uses !== null && coupon.uses >= coupon.max_uses) return 'used_up';
  return 'active';
}

export interface CouponDraft {
  code: string;  // '' generated by the server
  name: string;
  kind: string;
  points: string;
  percent_off: string;
  amount_off: string;  // an amount of `currency`
  currency: string;
  contact_id: string;  // '' for a coupon anyone may use
  valid_from: string;  // a calendar day, '' open
  valid_until: string;  // the last day it is usable, '' open
  max_uses: string;  // '' unlimited
  max_uses_per_member: string;
}

export const kNewCoupon: CouponDraft = {
  code: '',
  name: '',
  kind: 'points',
  points: '',
  percent_off: '',
  amount_off: '',
  currency: 'EUR',
  contact_id: '',
  valid_from: '',
  valid_until: '',
  max_uses: '',
  max_uses_per_member: '1',
};

export interface CouponFromDraft {
  body: CouponDraftBody;
  problems: Record<string, MessageKey>;  // by the server's field names; nothing is sent when any
}

// The body of POST /coupons for a draft (days read in `zone`). Only the kind's own value is sent;
// a whole number, an amount or a day that cannot be read is a problem of its field. Ranges and
// the name are the server's to check (422 names each field).
export function couponOfDraft(draft: CouponDraft, zone: string): CouponFromDraft {
  const problems: Record<string, MessageKey> = {};
  const whole = (input: string, field: string): number | undefined => {
    const value = wholeNumber(input);
    if (value === null) {
      problems[field] = 'coupon.problem.whole';
      return undefined;
    }
    return value;
  };
  const body: CouponDraftBody = { name: draft.name.trim(), kind: draft.kind };
  const code = draft.code.trim().toUpperCase();
  if (code !== '') body.code = code;
  if (draft.kind === 'points') {
    const points = whole(draft.points, 'points');
    if (points !== undefined) body.points = points;
  } else if (draft.kind === 'percent_off') {
    const percent = whole(draft.percent_off, 'percent_off');
    if (percent !== undefined) body.percent_off = percent;
  } else if (draft.kind === 'amount_off') {
    const currency = draft.currency.trim().toUpperCase();
    body.currency = currency;
    const amount = parseAmountInput(draft.amount_off, currency);
    if (amount === null || amount <= 0) problems.amount_off_minor = 'coupon.problem.amount';
    else body.amount_off_minor = amount;
  }
  if (draft.contact_id.trim() !== '') {
    const contact = whole(draft.contact_id, 'contact_id');
    if (contact !== undefined) body.contact_id = contact;
  }
  if (draft.valid_from.trim() !== '') {
    const from = dayStartInstant(draft.valid_from, zone);
    if (from === null) problems.valid_from = 'coupon.problem.day';
    else body.valid_from = from;
  }
  if (draft.valid_until.trim() !== '') {
    const until = dayEndInstant(draft.valid_until, zone);
    if (until === null) problems.valid_until = 'coupon.problem.day';
    else body.valid_until = until;
  }
  body.max_uses = draft.max_uses.trim() === '' ? null : (whole(draft.max_uses, 'max_uses') ?? null);
  const per_member = whole(draft.max_uses_per_member, 'max_uses_per_member');
  if (per_member !== undefined) body.max_uses_per_member = per_member;
  return { body, problems };
}
