// Typed calls for the loyalty programme (issue 5): a member's points summary and open lots (with
// their tier and what they need to reach or keep one), the statement of account (ledger, newest
// first; a bonus names its rule), purchases and their refunds, managers' adjustments and the
// programme's rules (earning, tiers, promotions, bonuses). Every answer is validated (see json.ts) before a page sees it. Money is
// integer minor units with an ISO 4217 currency: `formatMoney` shows it with Intl in that currency
// and `parseMoneyInput` reads what a person typed, both using the currency's minor digits from
// Intl's currency data. Points are signed integers shown with the locale's grouping.
// The parse*, *Path and format helpers are pure and unit-tested in test/loyalty.test.mjs.
import { getJson, sendJson } from './client';
import { cursor, integer, integerOr, list, optionalInteger, optionalText, record, strings, text, textOr, validated, type Json } from './json';

const kApi = '/api/v1';
export const kLoyaltyPageSize = 20;

export const kLedgerKinds = ['earn', 'release', 'redeem', 'redeem_cancel', 'expire', 'refund', 'adjust', 'bonus'] as const;
export const kLotStates = ['pending', 'available', 'spent', 'expired'] as const;
export const kExpiryKinds = ['never', 'rolling_months', 'end_of_year', 'inactivity_months'] as const;
export type ExpiryKind = (typeof kExpiryKinds)[number];

export interface Lot {
  id: number;
  points: number;
  remaining: number;
  state: string;
  earned_at: string;
  available_at: string;
  expires_at: string | null;
  purchase_id: number | null;
}

// The member's tier as the card shows it (null in the summary when the programme has no tiers).
export interface TierBenefits {
  key: string;
  name: string;
  earn_percent: number;
  discount_percent: number;
  sla_class: string;
}

export interface TierThresholds {
  key: string;
  name: string;
  min_spend_minor: number;
  min_purchases: number;
}

export interface TierProgressView {
  spend_minor: number;  // in the window, in `currency`
  purchases: number;
  spend_to_next_minor: number;  // 0 when met or not counted by the qualification
  purchases_to_next: number;
  spend_to_keep_minor: number;
  purchases_to_keep: number;
}

export interface MemberTier {
  current: TierBenefits | null;
  since: string | null;
  review_at: string | null;
  grace_until: string | null;  // set while in grace: the review that moves the member down
  next: TierThresholds | null;
  progress: TierProgressView;
  currency: string;
  window_months: number;
}

export interface LoyaltySummary {
  contact_id: number;
  points_balance: number;
  points_pending: number;
  earned_total: number;
  redeemed_total: number;
  expired_total: number;
  last_activity_at: string | null;
  expiring_soon: number;
  next_expiry_at: string | null;
  inactivity_expiry_at: string | null;
  lots: Lot[];
  tier: MemberTier | null;
}

export interface EarningStep {
  rule: string;
  detail: string;
  points: number;
}

export interface LedgerItem {
  id: number;
  kind: string;
  occurred_at: string;
  recorded_at: string;
  points: number;
  available_change: number;
  pending_change: number;
  purchase_id: number | null;
  refund_id: number | null;
  actor: string;
  reason: string;
  rules_version: number | null;  // of an earn's explanation
  steps: EarningStep[];  // an earn's explanation; empty for other kinds
  bonus: BonusExplanation | null;  // a bonus's explanation; null for other kinds
}

export const kBonusRules = ['welcome', 'birthday', 'referral', 'coupon'] as const;

export interface BonusExplanation {
  rule: string;  // one of kBonusRules (another value is shown as is)
  key: string;
  detail: string;
}

export interface Purchase {
  id: number;
  contact_id: number;
  total_minor: number;
  currency: string;
  channel: string;
  store: string;
  occurred_at: string;
  external_id: string;
  points_earned: number;
  rules_version: number;
  refunded_minor: number;
  points_reversed: number;
  recorded_at: string;
}

export interface Refund {
  id: number;
  purchase_id: number;
  amount_minor: number;
  reason: string;
  occurred_at: string;
  points_reversed: number;
  points_written_off: number;
}

export interface RecordedRefund {
  refund: Refund;
  purchase: Purchase;
  points_balance: number;
  points_pending: number;
}

export interface Rate {
  currency: string;  // '' for any currency without its own rate
  points: number;
  per_units: number;
}

export interface Multiplier {
  key: string;
  percent: number;
}

export const kTierQualifications = ['spend', 'purchases', 'spend_or_purchases', 'spend_and_purchases'] as const;

export interface TierDefinition {
  key: string;
  name: string;
  min_spend_minor: number;  // in TierProgramme.currency
  min_purchases: number;
  earn_percent: number;  // 100 = no extra points
  discount_percent: number;
  sla_class: string;
}

export interface TierProgramme {
  tiers: TierDefinition[];  // lowest first
  qualification: string;  // one of kTierQualifications
  currency: string;
  window_months: number;
  period_months: number;
  grace_days: number;
}

export interface Promotion {
  key: string;
  name: string;
  starts_at: string;  // RFC 3339
  ends_at: string;
  category: string;  // '' every line
  channel: string;  // '' every channel
  percent: number;
  bonus_points: number;
}

export interface BonusRules {
  welcome: number;
  birthday: number;
  referral_referrer: number;
  referral_referred: number;
  referral_minimum_minor: number;
  referral_deadline_days: number;
  referral_limit: number;  // 0 = no limit
}

export interface EarningRules {
  rates: Rate[];
  category_multipliers: Multiplier[];
  sku_multipliers: Multiplier[];
  minimum_spend_minor: number;
  channels: string[];
  pending_days: number;
  cap_per_day: number;
  cap_per_month: number;
  expiry: { kind: string; months: number };
  time_zone: string;
  tiers: TierProgramme;
  promotions: Promotion[];
  bonuses: BonusRules;
}

export interface RulesView {
  version: number;
  updated_at: string | null;
  updated_by: string;
  rules: EarningRules;
}

export interface LoyaltyPage<T> {
  items: T[];
  next: string | null;
}

// --- Parsing

export function parseLot(value: unknown): Lot {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    points: integer(object, 'points'),
    remaining: integer(object, 'remaining'),
    state: text(object, 'state'),
    earned_at: textOr(object, 'earned_at'),
    available_at: textOr(object, 'available_at'),
    expires_at: optionalText(object, 'expires_at'),
    purchase_id: optionalInteger(object, 'purchase_id'),
  };
}

export function parseSummary(value: unknown): LoyaltySummary {
  const object = record(value);
  return {
    contact_id: integer(object, 'contact_id'),
    points_balance: integer(object, 'points_balance'),
    points_pending: integerOr(object, 'points_pending', 0),
    earned_total: integerOr(object, 'earned_total', 0),
    redeemed_total: integerOr(object, 'redeemed_total', 0),
    expired_total: integerOr(object, 'expired_total', 0),
    last_activity_at: optionalText(object, 'last_activity_at'),
    expiring_soon: integerOr(object, 'expiring_soon', 0),
    next_expiry_at: optionalText(object, 'next_expiry_at'),
    inactivity_expiry_at: optionalText(object, 'inactivity_expiry_at'),
    lots: list(object.lots, parseLot),
    tier: object.tier === undefined || object.tier === null ? null : parseMemberTier(object.tier),
  };
}

export function parseMemberTier(value: unknown): MemberTier {
  const object = record(value);
  const current = object.current === undefined || object.current === null ? null : record(object.current);
  const next = object.next === undefined || object.next === null ? null : record(object.next);
  const progress = object.progress === undefined || object.progress === null ? {} : record(object.progress);
  return {
    current:
      current === null
        ? null
        : {
            key: text(current, 'key'),
            name: textOr(current, 'name'),
            earn_percent: integerOr(current, 'earn_percent', 100),
            discount_percent: integerOr(current, 'discount_percent', 0),
            sla_class: textOr(current, 'sla_class'),
          },
    since: optionalText(object, 'since'),
    review_at: optionalText(object, 'review_at'),
    grace_until: optionalText(object, 'grace_until'),
    next:
      next === null
        ? null
        : { key: text(next, 'key'), name: textOr(next, 'name'), min_spend_minor: integerOr(next, 'min_spend_minor', 0), min_purchases: integerOr(next, 'min_purchases', 0) },
    progress: {
      spend_minor: integerOr(progress, 'spend_minor', 0),
      purchases: integerOr(progress, 'purchases', 0),
      spend_to_next_minor: integerOr(progress, 'spend_to_next_minor', 0),
      purchases_to_next: integerOr(progress, 'purchases_to_next', 0),
      spend_to_keep_minor: integerOr(progress, 'spend_to_keep_minor', 0),
      purchases_to_keep: integerOr(progress, 'purchases_to_keep', 0),
    },
    currency: textOr(object, 'currency'),
    window_months: integerOr(object, 'window_months', 12),
  };
}

function parseStep(value: unknown): EarningStep {
  const object = record(value);
  return { rule: text(object, 'rule'), detail: textOr(object, 'detail'), points: integerOr(object, 'points', 0) };
}

// The explanation of an earn is {rules_version, steps:[...]}; a bonus's is {rule, key, detail};
// other kinds carry details this page does not show. Anything unexpected reads as "no steps" (and
// no bonus rule) rather than failing the statement.
function explanationOf(kind: string, value: unknown): { rules_version: number | null; steps: EarningStep[]; bonus: BonusExplanation | null } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { rules_version: null, steps: [], bonus: null };
  const object = value as Json;
  const bonus =
    kind === 'bonus' && typeof object.rule === 'string'
      ? { rule: object.rule, key: typeof object.key === 'string' ? object.key : '', detail: typeof object.detail === 'string' ? object.detail : '' }
      : null;
  return { rules_version: optionalInteger(object, 'rules_version'), steps: Array.isArray(object.steps) ? list(object.steps, parseStep) : [], bonus };
}

export function parseLedgerItem(value: unknown): LedgerItem {
  const object = record(value);
  const kind = text(object, 'kind');
  const explanation = explanationOf(kind, object.explanation);
  return {
    id: integer(object, 'id'),
    kind,
    occurred_at: textOr(object, 'occurred_at'),
    recorded_at: textOr(object, 'recorded_at'),
    points: integer(object, 'points'),
    available_change: integerOr(object, 'available_change', 0),
    pending_change: integerOr(object, 'pending_change', 0),
    purchase_id: optionalInteger(object, 'purchase_id'),
    refund_id: optionalInteger(object, 'refund_id'),
    actor: textOr(object, 'actor'),
    reason: textOr(object, 'reason'),
    rules_version: explanation.rules_version,
    steps: explanation.steps,
    bonus: explanation.bonus,
  };
}

export function parsePurchase(value: unknown): Purchase {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    contact_id: integer(object, 'contact_id'),
    total_minor: integer(object, 'total_minor'),
    currency: text(object, 'currency'),
    channel: textOr(object, 'channel'),
    store: textOr(object, 'store'),
    occurred_at: textOr(object, 'occurred_at'),
    external_id: textOr(object, 'external_id'),
    points_earned: integerOr(object, 'points_earned', 0),
    rules_version: integerOr(object, 'rules_version', 0),
    refunded_minor: integerOr(object, 'refunded_minor', 0),
    points_reversed: integerOr(object, 'points_reversed', 0),
    recorded_at: textOr(object, 'recorded_at'),
  };
}

export function parseRefund(value: unknown): Refund {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    purchase_id: integer(object, 'purchase_id'),
    amount_minor: integer(object, 'amount_minor'),
    reason: textOr(object, 'reason'),
    occurred_at: textOr(object, 'occurred_at'),
    points_reversed: integerOr(object, 'points_reversed', 0),
    points_written_off: integerOr(object, 'points_written_off', 0),
  };
}

export function parseRecordedRefund(value: unknown): RecordedRefund {
  const object = record(value);
  return {
    refund: parseRefund(object.refund),
    purchase: parsePurchase(object.purchase),
    points_balance: integerOr(object, 'points_balance', 0),
    points_pending: integerOr(object, 'points_pending', 0),
  };
}

function parseMultiplier(value: unknown): Multiplier {
  const object = record(value);
  return { key: textOr(object, 'key'), percent: integerOr(object, 'percent', 100) };
}

function parseTier(value: unknown): TierDefinition {
  const object = record(value);
  return {
    key: textOr(object, 'key'),
    name: textOr(object, 'name'),
    min_spend_minor: integerOr(object, 'min_spend_minor', 0),
    min_purchases: integerOr(object, 'min_purchases', 0),
    earn_percent: integerOr(object, 'earn_percent', 100),
    discount_percent: integerOr(object, 'discount_percent', 0),
    sla_class: textOr(object, 'sla_class'),
  };
}

// The "tiers" member of the rules (and the programme of GET /loyalty/tiers); absent: no tiers.
export function parseTierProgramme(value: unknown): TierProgramme {
  const object = value === undefined || value === null ? {} : record(value);
  return {
    tiers: list(object.tiers, parseTier),
    qualification: textOr(object, 'qualification', 'spend'),
    currency: textOr(object, 'currency'),
    window_months: integerOr(object, 'window_months', 12),
    period_months: integerOr(object, 'period_months', 12),
    grace_days: integerOr(object, 'grace_days', 0),
  };
}

function parsePromotion(value: unknown): Promotion {
  const object = record(value);
  return {
    key: textOr(object, 'key'),
    name: textOr(object, 'name'),
    starts_at: textOr(object, 'starts_at'),
    ends_at: textOr(object, 'ends_at'),
    category: textOr(object, 'category'),
    channel: textOr(object, 'channel'),
    percent: integerOr(object, 'percent', 100),
    bonus_points: integerOr(object, 'bonus_points', 0),
  };
}

export function parseBonusRules(value: unknown): BonusRules {
  const object = value === undefined || value === null ? {} : record(value);
  return {
    welcome: integerOr(object, 'welcome', 0),
    birthday: integerOr(object, 'birthday', 0),
    referral_referrer: integerOr(object, 'referral_referrer', 0),
    referral_referred: integerOr(object, 'referral_referred', 0),
    referral_minimum_minor: integerOr(object, 'referral_minimum_minor', 0),
    referral_deadline_days: integerOr(object, 'referral_deadline_days', 30),
    referral_limit: integerOr(object, 'referral_limit', 0),
  };
}

export function parseRules(value: unknown): EarningRules {
  const object = record(value);
  const expiry = object.expiry === undefined || object.expiry === null ? {} : record(object.expiry);
  return {
    rates: list(object.rates, (item) => {
      const rate = record(item);
      return { currency: textOr(rate, 'currency'), points: integerOr(rate, 'points', 0), per_units: integerOr(rate, 'per_units', 1) };
    }),
    category_multipliers: list(object.category_multipliers, parseMultiplier),
    sku_multipliers: list(object.sku_multipliers, parseMultiplier),
    minimum_spend_minor: integerOr(object, 'minimum_spend_minor', 0),
    channels: strings(object.channels),
    pending_days: integerOr(object, 'pending_days', 0),
    cap_per_day: integerOr(object, 'cap_per_day', 0),
    cap_per_month: integerOr(object, 'cap_per_month', 0),
    expiry: { kind: textOr(expiry, 'kind', 'never'), months: integerOr(expiry, 'months', 0) },
    time_zone: textOr(object, 'time_zone', 'UTC'),
    tiers: parseTierProgramme(object.tiers),
    promotions: list(object.promotions, parsePromotion),
    bonuses: parseBonusRules(object.bonuses),
  };
}

export function parseRulesView(value: unknown): RulesView {
  const object = record(value);
  return {
    version: integer(object, 'version'),
    updated_at: optionalText(object, 'updated_at'),
    updated_by: textOr(object, 'updated_by'),
    rules: parseRules(object.rules),
  };
}

export function parseLoyaltyPage<T>(value: unknown, parse: (item: unknown) => T): LoyaltyPage<T> {
  const object = record(value);
  return { items: list(object.items, parse), next: cursor(object.next) };
}

// --- Paths

function pagePath(base: string, next: string | null, limit: number): string {
  const parameters = new URLSearchParams({ limit: String(limit) });
  if (next !== null) parameters.set('cursor', next);
  return `${base}?${parameters.toString()}`;
}

export function summaryPath(contact_id: number): string {
  return `${kApi}/contacts/${contact_id}/loyalty`;
}

export function ledgerPath(contact_id: number, next: string | null, limit = kLoyaltyPageSize): string {
  return pagePath(`${kApi}/contacts/${contact_id}/loyalty/ledger`, next, limit);
}

export function purchasesPath(contact_id: number, next: string | null, limit = kLoyaltyPageSize): string {
  return pagePath(`${kApi}/contacts/${contact_id}/purchases`, next, limit);
}

export function refundsPath(purchase_id: number): string {
  return `${kApi}/purchases/${purchase_id}/refunds`;
}

export function adjustmentsPath(contact_id: number): string {
  return `${kApi}/contacts/${contact_id}/loyalty/adjustments`;
}

export const kRulesPath = `${kApi}/loyalty/rules`;

// --- Numbers and money

// The minor digits of a currency from Intl's currency data (EUR 2, JPY 0, KWD 3); 2 for a code
// Intl does not know.
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

// 1250 EUR minor → "€12.50" (en) or "12,50 €" (ru). An unknown code is shown as "12.50 XYZ".
export function formatMoney(locale: string, amount_minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const amount = amount_minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

// What a person typed as an amount ("12.5", "12,50", "1 234,5") in minor units of `currency`;
// null when it is not a positive amount with at most the currency's minor digits.
export function parseMoneyInput(input: string, currency: string): number | null {
  const minor = parseAmountInput(input, currency);
  return minor === null || minor <= 0 ? null : minor;
}

// Like parseMoneyInput, but 0 is an amount too (a threshold, a minimum).
export function parseAmountInput(input: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const compact = input.replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(compact);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  if (!Number.isSafeInteger(minor)) return null;
  return minor;
}

// The minor units as a plain decimal for an input's initial value (1250, EUR → "12.50").
export function minorToInput(amount_minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(amount_minor) : (amount_minor / 10 ** digits).toFixed(digits);
}

// Points as a whole number with the locale's grouping: 12345 → "12,345" / "12 345".
export function formatPoints(locale: string, points: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(points);
}

// A change of points with its sign: +120, −40, 0.
export function formatSignedPoints(locale: string, points: number): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(points);
}

// A signed whole number of points typed by a person ("+50", "-20", "−20"); null for 0 or anything
// that is not an integer.
export function parseSignedPoints(input: string): number | null {
  const compact = input.replace(/[\s\u00a0\u202f]/g, '').replace(/^\u2212/, '-');
  if (!/^[+-]?\d+$/.test(compact)) return null;
  const value = Number(compact);
  if (!Number.isSafeInteger(value) || value === 0) return null;
  return value;
}

// --- Calls

export async function fetchSummary(contact_id: number, signal?: AbortSignal): Promise<LoyaltySummary> {
  const path = summaryPath(contact_id);
  return validated(path, await getJson(path, signal), parseSummary);
}

export async function fetchLedger(contact_id: number, next: string | null, signal?: AbortSignal): Promise<LoyaltyPage<LedgerItem>> {
  const path = ledgerPath(contact_id, next);
  return validated(path, await getJson(path, signal), (value) => parseLoyaltyPage(value, parseLedgerItem));
}

export async function fetchPurchases(contact_id: number, next: string | null, signal?: AbortSignal): Promise<LoyaltyPage<Purchase>> {
  const path = purchasesPath(contact_id, next);
  return validated(path, await getJson(path, signal), (value) => parseLoyaltyPage(value, parsePurchase));
}

export async function refundPurchase(purchase_id: number, amount_minor: number, reason: string): Promise<RecordedRefund> {
  const path = refundsPath(purchase_id);
  return validated(path, await sendJson('POST', path, { amount_minor, reason }), parseRecordedRefund);
}

export async function adjustPoints(contact_id: number, points: number, reason: string): Promise<LedgerItem> {
  const path = adjustmentsPath(contact_id);
  return validated(path, await sendJson('POST', path, { points, reason }), parseLedgerItem);
}

export async function fetchRules(signal?: AbortSignal): Promise<RulesView> {
  return validated(kRulesPath, await getJson(kRulesPath, signal), parseRulesView);
}

export async function saveRules(version: number, rules: EarningRules): Promise<RulesView> {
  return validated(kRulesPath, await sendJson('PUT', kRulesPath, { version, rules }), parseRulesView);
}
