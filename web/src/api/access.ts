// Typed calls for access control: sign-in and session, the person's own password, users, API
// tokens and the audit log (the contract in the server's OpenAPI document, /api/v1/openapi.json).
// Every answer is validated before it reaches a page: a member of the wrong type makes the call
// fail with an ApiError ("unexpected response") instead of rendering `undefined`. The parse*
// functions are pure and unit-tested in test/access.test.mjs.
import { ApiError, getJson, sendJson, setCsrfToken } from './client';

export const kRoles = ['admin', 'manager', 'agent', 'analyst'] as const;
export type Role = (typeof kRoles)[number];
// The shortest password the server accepts; the forms check it first to spare a round trip.
export const kPasswordLengthMin = 12;

export type PermissionAction = 'read' | 'write' | 'admin';
export type Permissions = Readonly<Record<string, readonly string[]>>;

export interface User {
  id: number;
  email: string;
  display_name: string;
  role: string;
  disabled: boolean;
  created_at: string;
  updated_at: string;
}

export interface Session {
  user: User | null;
  principal: { kind: string; name: string; role: string };
  csrf_token: string | null;
  permissions: Permissions;
}

export interface ApiToken {
  id: number;
  name: string;
  role: string;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface AuditEntry {
  sequence: number;
  at: string;
  actor: string;
  action: string;
  subject_type: string;
  subject_id: number | null;
  remote: string;
  details: unknown;
}

export interface AuditPage {
  items: AuditEntry[];
  next: string | null;  // pass as `before` for the next (older) page; null at the end
}

export interface ChainVerification {
  ok: boolean;
  rows_verified: number;
  fault: string;
  broken_sequence: number;
}

// --- Validation of answers

class Malformed extends Error {}

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed('not an object');
  return value as Json;
}

function text(object: Json, key: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new Malformed(`${key}: not a string`);
  return value;
}

function optionalText(object: Json, key: string): string | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Malformed(`${key}: not a string`);
  return value;
}

function integer(object: Json, key: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Malformed(`${key}: not an integer`);
  return value;
}

function optionalInteger(object: Json, key: string): number | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Malformed(`${key}: not an integer`);
  return value;
}

function flag(object: Json, key: string): boolean {
  const value = object[key];
  if (typeof value !== 'boolean') throw new Malformed(`${key}: not a boolean`);
  return value;
}

function list<T>(value: unknown, parse: (item: unknown) => T): T[] {
  if (!Array.isArray(value)) throw new Malformed('not an array');
  return value.map(parse);
}

export function parseUser(value: unknown): User {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    email: text(object, 'email'),
    display_name: optionalText(object, 'display_name') ?? '',
    role: text(object, 'role'),
    disabled: flag(object, 'disabled'),
    created_at: text(object, 'created_at'),
    updated_at: optionalText(object, 'updated_at') ?? '',
  };
}

function parsePermissions(value: unknown): Permissions {
  const object = record(value);
  const permissions: Record<string, string[]> = {};
  for (const [resource, actions] of Object.entries(object)) {
    permissions[resource] = list(actions, (action) => {
      if (typeof action !== 'string') throw new Malformed('permission: not a string');
      return action;
    });
  }
  return permissions;
}

export function parseSession(value: unknown): Session {
  const object = record(value);
  const principal = record(object.principal);
  return {
    user: object.user === null || object.user === undefined ? null : parseUser(object.user),
    principal: { kind: text(principal, 'kind'), name: text(principal, 'name'), role: text(principal, 'role') },
    csrf_token: optionalText(object, 'csrf_token'),
    permissions: parsePermissions(object.permissions ?? {}),
  };
}

export function parseToken(value: unknown): ApiToken {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    name: text(object, 'name'),
    role: text(object, 'role'),
    created_by: optionalInteger(object, 'created_by'),
    created_at: text(object, 'created_at'),
    last_used_at: optionalText(object, 'last_used_at'),
    revoked_at: optionalText(object, 'revoked_at'),
  };
}

export function parseAuditEntry(value: unknown): AuditEntry {
  const object = record(value);
  return {
    sequence: integer(object, 'sequence'),
    at: text(object, 'at'),
    actor: text(object, 'actor'),
    action: text(object, 'action'),
    subject_type: optionalText(object, 'subject_type') ?? '',
    subject_id: optionalInteger(object, 'subject_id'),
    remote: optionalText(object, 'remote') ?? '',
    details: object.details ?? null,
  };
}

export function parseAuditPage(value: unknown): AuditPage {
  const object = record(value);
  const next = object.next;
  let cursor: string | null = null;
  if (typeof next === 'string' && next !== '') cursor = next;
  else if (typeof next === 'number' && Number.isInteger(next)) cursor = String(next);
  else if (next !== null && next !== undefined && next !== '') throw new Malformed('next: not a cursor');
  return { items: list(object.items, parseAuditEntry), next: cursor };
}

export function parseVerification(value: unknown): ChainVerification {
  const object = record(value);
  return {
    ok: flag(object, 'ok'),
    rows_verified: optionalInteger(object, 'rows_verified') ?? 0,
    fault: optionalText(object, 'fault') ?? 'none',
    broken_sequence: optionalInteger(object, 'broken_sequence') ?? 0,
  };
}

function items<T>(value: unknown, parse: (item: unknown) => T): T[] {
  return list(record(value).items, parse);
}

// Runs `parse` on an answer, turning a shape mismatch into an ApiError the pages can show.
function validated<T>(path: string, value: unknown, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    throw new ApiError({ message: `unexpected response from ${path}: ${error.message}`, status: 200, problem: null, request_id: null });
  }
}

// --- Permissions

// Whether the session may perform `action` on `resource`: the server lists every granted action
// explicitly (deny by default), so absence means no.
export function allows(permissions: Permissions, resource: string, action: PermissionAction): boolean {
  return permissions[resource]?.includes(action) ?? false;
}

// --- Calls

const kSessionPath = '/api/v1/auth/session';

// The current session; rejects with a 401 ApiError when nobody is signed in. Remembers the CSRF
// token for later writes. The caller handles 401 itself (it decides to show the sign-in page).
export async function fetchSession(signal?: AbortSignal): Promise<Session> {
  const session = validated(kSessionPath, await getJson(kSessionPath, signal, { notify_unauthorized: false }), parseSession);
  setCsrfToken(session.csrf_token);
  return session;
}

// Signs in; a 401 means wrong credentials, a 429 too many attempts (ApiError.retry_after_s).
export async function login(email: string, password: string): Promise<void> {
  const path = '/api/v1/auth/login';
  const body = await sendJson('POST', path, { email, password }, { notify_unauthorized: false });
  setCsrfToken(validated(path, body, (value) => text(record(value), 'csrf_token')));
}

export async function logout(): Promise<void> {
  try {
    await sendJson('POST', '/api/v1/auth/logout', undefined, { notify_unauthorized: false });
  } finally {
    setCsrfToken(null);
  }
}

// Changes the signed-in person's password; every session of theirs ends, this one included.
// A 401 here means the current password is wrong, not that the session ended.
export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await sendJson('POST', '/api/v1/auth/password', { current_password, new_password }, { notify_unauthorized: false });
  setCsrfToken(null);
}

export async function listUsers(signal?: AbortSignal): Promise<User[]> {
  const path = '/api/v1/users';
  return validated(path, await getJson(path, signal), (value) => items(value, parseUser));
}

export interface NewUser {
  email: string;
  display_name: string;
  role: string;
  password: string;
}

export async function createUser(user: NewUser): Promise<User> {
  const path = '/api/v1/users';
  return validated(path, await sendJson('POST', path, user), parseUser);
}

export interface UserChange {
  role?: string;
  disabled?: boolean;
  display_name?: string;
  password?: string;
}

export async function updateUser(user_id: number, change: UserChange): Promise<User> {
  const path = `/api/v1/users/${user_id}`;
  return validated(path, await sendJson('PATCH', path, change), parseUser);
}

export async function listTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  const path = '/api/v1/tokens';
  return validated(path, await getJson(path, signal), (value) => items(value, parseToken));
}

export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

export async function createToken(name: string, role: string): Promise<CreatedToken> {
  const path = '/api/v1/tokens';
  return validated(path, await sendJson('POST', path, { name, role }), (value) => {
    const object = record(value);
    return { token: parseToken(object.token), secret: text(object, 'secret') };
  });
}

export async function revokeToken(token_id: number): Promise<ApiToken> {
  const path = `/api/v1/tokens/${token_id}`;
  return validated(path, await sendJson('DELETE', path), parseToken);
}

export const kAuditPageSize = 50;

export interface AuditQuery {
  actor: string;
  action_prefix: string;
  before: string | null;
}

export function auditPath(query: AuditQuery, limit: number): string {
  const parameters = new URLSearchParams();
  if (query.before !== null) parameters.set('before', query.before);
  parameters.set('limit', String(limit));
  if (query.actor.trim() !== '') parameters.set('actor', query.actor.trim());
  if (query.action_prefix.trim() !== '') parameters.set('action', query.action_prefix.trim());
  return `/api/v1/audit?${parameters.toString()}`;
}

export async function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  const path = auditPath(query, kAuditPageSize);
  return validated(path, await getJson(path, signal), parseAuditPage);
}

export async function verifyAudit(): Promise<ChainVerification> {
  const path = '/api/v1/audit/verify';
  return validated(path, await getJson(path), parseVerification);
}
