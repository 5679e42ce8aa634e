// Typed calls for the loyalty programme beyond points: coupons and personal discounts (list, create,
// activate/deactivate, the till's "may this member use this code" check), referral codes and the
// referral graph of a member, and the tiers at a glance (the programme and how many members hold
// each tier). Every answer is validated (see json.ts) before a page sees it. Coupon and referral
// lists page with `before` (the `next` id of the previous page).
// The parse* and *Path helpers are pure and unit-tested in test/programme.test.mjs.
import { getJson, sendJson } from './client';
import { cursor, flagOr, integer, integerOr, list, optionalInteger, optionalText, record, text, textOr, validated } from './json';
import { parseTierProgramme, type TierProgramme } from './loyalty';

const kApi = '/api/v1';
export const kCouponsPageSize = 50;
export const kReferralsPageSize = 20;

export const kCouponKinds = ['points', 'percent_off', 'amount_off'] as const;
export type CouponKind = (typeof kCouponKinds)[number];

export interface Coupon {
  id: number;
  code: string;
  name: string;
  kind: string;  // one of kCouponKinds
  points: number;
  percent_off: number;
  amount_off_minor: number;
  currency: string;
  contact_id: number | null;  // a personal coupon: only this member may use it
  valid_from: string | null;
  valid_until: string | null;  // exclusive
  max_uses: number | null;  // null: unlimited
  max_uses_per_member: number;
  uses: number;
  active: boolean;
  created_at: string;
  created_by: string;
}

export interface CouponPage {
  items: Coupon[];
  next: string | null;  // pass as `before`
}

export interface CouponFilter {
  contact_id?: number | undefined;
  include_inactive?: boolean | undefined;
}

// What POST /coupons takes. Members left undefined are not sent (the server's defaults apply).
export interface CouponDraftBody {
  code?: string;
  name: string;
  kind: string;
  points?: number;
  percent_off?: number;
  amount_off_minor?: number;
  currency?: string;
  contact_id?: number;
  valid_from?: string;
  valid_until?: string;
  max_uses?: number | null;
  max_uses_per_member?: number;
}

export interface CouponPatch {
  active?: boolean;
  valid_until?: string | null;
  max_uses?: number | null;
}

export interface CouponCheck {
  usable: boolean;
  problem: string;  // '' when usable
  coupon: Coupon | null;
}

export const kReferralStates = ['pending', 'rewarded'] as const;

export interface Referral {
  id: number;
  referrer_id: number;
  referred_id: number;
  code: string;
  referred_at: string;
  state: string;  // one of kReferralStates
  purchase_id: number | null;
  rewarded_at: string | null;
}

export interface ReferralGraph {
  code: string | null;  // the member's own code, once given
  referred_by: Referral | null;
  referrals: Referral[];  // the members they brought, newest first
  next: string | null;  // pass as `before`
  rewarded: number;
}

export interface TierCount {
  tier_key: string;
  members: number;
}

export interface TiersOverview {
  programme: TierProgramme;
  members: TierCount[];
}

// --- Parsing

export function parseCoupon(value: unknown): Coupon {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    code: text(object, 'code'),
    name: textOr(object, 'name'),
    kind: text(object, 'kind'),
    points: integerOr(object, 'points', 0),
    percent_off: integerOr(object, 'percent_off', 0),
    amount_off_minor: integerOr(object, 'amount_off_minor', 0),
    currency: textOr(object, 'currency'),
    contact_id: optionalInteger(object, 'contact_id'),
    valid_from: optionalText(object, 'valid_from'),
    valid_until: optionalText(object, 'valid_until'),
    max_uses: optionalInteger(object, 'max_uses'),
    max_uses_per_member: integerOr(object, 'max_uses_per_member', 1),
    uses: integerOr(object, 'uses', 0),
    active: flagOr(object, 'active', true),
    created_at: textOr(object, 'created_at'),
    created_by: textOr(object, 'created_by'),
  };
}

export function parseCouponPage(value: unknown): CouponPage {
  const object = record(value);
  return { items: list(object.items, parseCoupon), next: cursor(object.next) };
}

export function parseCouponCheck(value: unknown): CouponCheck {
  const object = record(value);
  return {
    usable: flagOr(object, 'usable', false),
    problem: textOr(object, 'problem'),
    coupon: object.coupon === undefined || object.coupon === null ? null : parseCoupon(object.coupon),
  };
}

export function parseReferral(value: unknown): Referral {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    referrer_id: integer(object, 'referrer_id'),
    referred_id: integer(object, 'referred_id'),
    code: textOr(object, 'code'),
    referred_at: textOr(object, 'referred_at'),
    state: textOr(object, 'state', 'pending'),
    purchase_id: optionalInteger(object, 'purchase_id'),
    rewarded_at: optionalText(object, 'rewarded_at'),
  };
}

export function parseReferralGraph(value: unknown): ReferralGraph {
  const object = record(value);
  return {
    code: optionalText(object, 'code'),
    referred_by: object.referred_by === undefined || object.referred_by === null ? null : parseReferral(object.referred_by),
    referrals: list(object.referrals, parseReferral),
    next: cursor(object.next),
    rewarded: integerOr(object, 'rewarded', 0),
  };
}

export function parseReferralCode(value: unknown): string {
  return text(record(value), 'code');
}

export function parseTiersOverview(value: unknown): TiersOverview {
  const object = record(value);
  return {
    programme: parseTierProgramme(object.programme),
    members: list(object.members, (item) => {
      const count = record(item);
      return { tier_key: textOr(count, 'tier_key'), members: integerOr(count, 'members', 0) };
    }),
  };
}

// --- Paths

export function couponsPath(filter: CouponFilter, before: string | null, limit = kCouponsPageSize): string {
  const parameters = new URLSearchParams();
  if (filter.contact_id !== undefined) parameters.set('contact_id', String(filter.contact_id));
  if (filter.include_inactive) parameters.set('include_inactive', 'true');
  if (before !== null) parameters.set('before', before);
  parameters.set('limit', String(limit));
  return `${kApi}/coupons?${parameters.toString()}`;
}

export function couponPath(id: number): string {
  return `${kApi}/coupons/${id}`;
}

export function couponCheckPath(code: string, contact_id: number, currency = ''): string {
  const parameters = new URLSearchParams({ code, contact_id: String(contact_id) });
  if (currency !== '') parameters.set('currency', currency);
  return `${kApi}/coupons/check?${parameters.toString()}`;
}

export function referralsPath(contact_id: number, before: string | null, limit = kReferralsPageSize): string {
  const parameters = new URLSearchParams();
  if (before !== null) parameters.set('before', before);
  parameters.set('limit', String(limit));
  return `${kApi}/contacts/${contact_id}/referrals?${parameters.toString()}`;
}

export function referralCodePath(contact_id: number): string {
  return `${kApi}/contacts/${contact_id}/referral-code`;
}

export const kReferralsPath = `${kApi}/referrals`;
export const kCouponsPath = `${kApi}/coupons`;
export const kTiersPath = `${kApi}/loyalty/tiers`;

// --- Calls

export async function fetchCoupons(filter: CouponFilter, before: string | null, signal?: AbortSignal): Promise<CouponPage> {
  const path = couponsPath(filter, before);
  return validated(path, await getJson(path, signal), parseCouponPage);
}

export async function createCoupon(body: CouponDraftBody): Promise<Coupon> {
  return validated(kCouponsPath, await sendJson('POST', kCouponsPath, body), parseCoupon);
}

export async function updateCoupon(id: number, patch: CouponPatch): Promise<Coupon> {
  const path = couponPath(id);
  return validated(path, await sendJson('PATCH', path, patch), parseCoupon);
}

export async function checkCoupon(code: string, contact_id: number, currency = '', signal?: AbortSignal): Promise<CouponCheck> {
  const path = couponCheckPath(code, contact_id, currency);
  return validated(path, await getJson(path, signal), parseCouponCheck);
}

export async function fetchReferrals(contact_id: number, before: string | null, signal?: AbortSignal): Promise<ReferralGraph> {
  const path = referralsPath(contact_id, before);
  return validated(path, await getJson(path, signal), parseReferralGraph);
}

export async function giveReferralCode(contact_id: number): Promise<string> {
  const path = referralCodePath(contact_id);
  return validated(path, await sendJson('POST', path), parseReferralCode);
}

export async function recordReferral(contact_id: number, code: string): Promise<Referral> {
  return validated(kReferralsPath, await sendJson('POST', kReferralsPath, { contact_id, code }), parseReferral);
}

export async function fetchTiers(signal?: AbortSignal): Promise<TiersOverview> {
  return validated(kTiersPath, await getJson(kTiersPath, signal), parseTiersOverview);
}
