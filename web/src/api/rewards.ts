// Typed calls for the rewards of the loyalty programme: the catalogue (goods and discounts members
// spend points on: list, read, create, change) and redemptions (spend a member's points on a
// reward, cancel one, a member's redemptions newest first). Every answer is validated (see
// json.ts) before a page sees it. Both lists page with `cursor` (the `next` of the previous page):
// the catalogue by ascending id, redemptions newest first.
//
// A redemption is refused with 409 and a code naming why (kRedemptionRefusals); field problems are
// 422 with `errors`. Retrying a redemption is safe when it carries the same `external_id`: the
// server answers the first outcome again (200, Idempotent-Replayed) instead of spending twice, so
// the card makes one id per confirmation (`redemptionExternalId`).
// The parse* and *Path helpers are pure and unit-tested in test/rewards.test.mjs.
import { getJson, sendJson } from './client';
import { cursor, flagOr, integer, integerOr, list, optionalInteger, optionalText, record, text, textOr, validated } from './json';

const kApi = '/api/v1';
export const kRewardsPageSize = 50;
export const kRedemptionsPageSize = 20;
export const kRewardsPageMax = 500;  // the server's largest page (rewards and redemptions)

export const kRewardKinds = ['goods', 'discount'] as const;
export type RewardKind = (typeof kRewardKinds)[number];

export const kRedemptionStates = ['active', 'cancelled'] as const;

// The codes of a refused redemption or cancellation (409).
export const kRedemptionRefusals = ['not_available', 'out_of_stock', 'limit_reached', 'insufficient_points', 'already_cancelled', 'external_id_reused'] as const;
export type RedemptionRefusal = (typeof kRedemptionRefusals)[number];

export interface Reward {
  id: number;
  name: string;
  description: string;
  kind: string;  // one of kRewardKinds
  points_price: number;
  stock: number | null;  // what is left; null: unlimited
  per_customer_limit: number | null;  // the most one member may hold in active redemptions; null: none
  available_from: string | null;  // inclusive; null: open
  available_until: string | null;  // exclusive; null: open
  active: boolean;
  created_at: string;
  updated_at: string;
}

export interface RewardPage {
  items: Reward[];
  next: string | null;  // pass as `cursor`
}

export interface RewardFilter {
  include_inactive?: boolean | undefined;
}

// What POST /rewards takes (name and points_price are required).
export interface RewardInputBody {
  name: string;
  description?: string;
  kind?: string;
  points_price: number;
  stock?: number | null;
  per_customer_limit?: number | null;
  available_from?: string | null;
  available_until?: string | null;
  active?: boolean;
}

// What PATCH /rewards/{id} takes: members left out stay; null clears stock (unlimited), the limit
// and the window's ends.
export type RewardPatch = Partial<RewardInputBody>;

export interface Redemption {
  id: number;
  reward_id: number;
  contact_id: number;
  quantity: number;
  points: number;  // points_price × quantity
  state: string;  // one of kRedemptionStates
  transaction_id: number;
  cancel_transaction_id: number | null;
  created_at: string;
  cancelled_at: string | null;
  actor: string;
  external_id: string;
}

export interface RedemptionPage {
  items: Redemption[];
  next: string | null;  // pass as `cursor`
}

// The answer of a redemption or a cancellation: the redemption, the reward as it is after it (its
// stock) and the member's points balance after it.
export interface RedemptionOutcome {
  redemption: Redemption;
  reward: Reward;
  points_balance: number;
}

// --- Parsing

export function parseReward(value: unknown): Reward {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    name: text(object, 'name'),
    description: textOr(object, 'description'),
    kind: textOr(object, 'kind', 'goods'),
    points_price: integer(object, 'points_price'),
    stock: optionalInteger(object, 'stock'),
    per_customer_limit: optionalInteger(object, 'per_customer_limit'),
    available_from: optionalText(object, 'available_from'),
    available_until: optionalText(object, 'available_until'),
    active: flagOr(object, 'active', true),
    created_at: textOr(object, 'created_at'),
    updated_at: textOr(object, 'updated_at'),
  };
}

export function parseRewardPage(value: unknown): RewardPage {
  const object = record(value);
  return { items: list(object.items, parseReward), next: cursor(object.next) };
}

export function parseRedemption(value: unknown): Redemption {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    reward_id: integer(object, 'reward_id'),
    contact_id: integer(object, 'contact_id'),
    quantity: integerOr(object, 'quantity', 1),
    points: integer(object, 'points'),
    state: text(object, 'state'),
    transaction_id: integerOr(object, 'transaction_id', 0),
    cancel_transaction_id: optionalInteger(object, 'cancel_transaction_id'),
    created_at: textOr(object, 'created_at'),
    cancelled_at: optionalText(object, 'cancelled_at'),
    actor: textOr(object, 'actor'),
    external_id: textOr(object, 'external_id'),
  };
}

export function parseRedemptionPage(value: unknown): RedemptionPage {
  const object = record(value);
  return { items: list(object.items, parseRedemption), next: cursor(object.next) };
}

export function parseRedemptionOutcome(value: unknown): RedemptionOutcome {
  const object = record(value);
  return {
    redemption: parseRedemption(object.redemption),
    reward: parseReward(object.reward),
    points_balance: integer(object, 'points_balance'),
  };
}

// The refusal code of a 409 answer, or null for another code (or none).
export function redemptionRefusal(code: string | undefined): RedemptionRefusal | null {
  return (kRedemptionRefusals as readonly string[]).includes(code ?? '') ? (code as RedemptionRefusal) : null;
}

// --- Paths

function pagePath(base: string, parameters: URLSearchParams, next: string | null, limit: number): string {
  if (next !== null) parameters.set('cursor', next);
  parameters.set('limit', String(limit));
  return `${base}?${parameters.toString()}`;
}

export function rewardsPath(filter: RewardFilter, next: string | null, limit = kRewardsPageSize): string {
  const parameters = new URLSearchParams();
  if (filter.include_inactive) parameters.set('include_inactive', 'true');
  return pagePath(`${kApi}/rewards`, parameters, next, limit);
}

export function rewardPath(id: number): string {
  return `${kApi}/rewards/${id}`;
}

export function redemptionCancelPath(redemption_id: number): string {
  return `${kApi}/redemptions/${redemption_id}/cancel`;
}

export function contactRedemptionsPath(contact_id: number, next: string | null, limit = kRedemptionsPageSize): string {
  return pagePath(`${kApi}/contacts/${contact_id}/redemptions`, new URLSearchParams(), next, limit);
}

export const kRewardsPath = `${kApi}/rewards`;
export const kRedemptionsPath = `${kApi}/redemptions`;

// An external id for one redemption the person confirmed ("ui-" and 24 hex digits, within the
// server's 128 bytes): sent again on a retry, it makes the server replay instead of spend twice.
export function redemptionExternalId(random_bytes: Uint8Array): string {
  return `ui-${Array.from(random_bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

// --- Calls

export async function fetchRewards(filter: RewardFilter, next: string | null, signal?: AbortSignal, limit = kRewardsPageSize): Promise<RewardPage> {
  const path = rewardsPath(filter, next, limit);
  return validated(path, await getJson(path, signal), parseRewardPage);
}

export async function fetchReward(id: number, signal?: AbortSignal): Promise<Reward> {
  const path = rewardPath(id);
  return validated(path, await getJson(path, signal), parseReward);
}

export async function createReward(body: RewardInputBody): Promise<Reward> {
  return validated(kRewardsPath, await sendJson('POST', kRewardsPath, body), parseReward);
}

export async function updateReward(id: number, patch: RewardPatch): Promise<Reward> {
  const path = rewardPath(id);
  return validated(path, await sendJson('PATCH', path, patch), parseReward);
}

export async function redeemReward(contact_id: number, reward_id: number, external_id: string, quantity = 1): Promise<RedemptionOutcome> {
  const body = { contact_id, reward_id, quantity, external_id };
  return validated(kRedemptionsPath, await sendJson('POST', kRedemptionsPath, body), parseRedemptionOutcome);
}

export async function cancelRedemption(redemption_id: number): Promise<RedemptionOutcome> {
  const path = redemptionCancelPath(redemption_id);
  return validated(path, await sendJson('POST', path), parseRedemptionOutcome);
}

export async function fetchRedemptions(contact_id: number, next: string | null, signal?: AbortSignal): Promise<RedemptionPage> {
  const path = contactRedemptionsPath(contact_id, next);
  return validated(path, await getJson(path, signal), parseRedemptionPage);
}
