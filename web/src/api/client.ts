// Talks to the Rapport HTTP API. Every failure becomes an `ApiError` carrying what the person
// needs to report it: the HTTP status, the problem (RFC 9457 application/problem+json) when the
// server sent one, the request id (from the problem body, else the X-Request-Id header) and, for
// 429, how many seconds to wait (Retry-After). A network failure is an ApiError with status 0.
// Aborted requests reject with the AbortError as is.
//
// Authentication: requests carry the session cookie (same-origin credentials). Every request
// that is not GET/HEAD carries `X-CSRF-Token` with the token learned at sign-in or from
// GET /api/v1/auth/session (`setCsrfToken`). A 401 from any call tells the listener registered
// with `setUnauthorizedListener` (the session, which shows the sign-in page), unless the caller
// expects 401 as an answer (sign-in, password change: `notify_unauthorized: false`).
// Main-thread only, like all UI code: the CSRF token and the listener are module state.

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  code?: string;
  request_id?: string;
  // Extensions some problems carry: per-field validation errors (422) and the existing record a
  // conflict points at (409 contact_exists).
  errors?: FieldError[];
  contact_id?: number;
  // 422 invalid_rules names each problem of the loyalty rules in `problems` ({field, reason}).
  problems?: FieldError[];
}

export interface FieldError {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  readonly status: number;  // 0: no HTTP response at all
  readonly problem: Problem | null;
  readonly request_id: string | null;
  readonly retry_after_s: number | null;  // from Retry-After; null when absent or unreadable

  constructor(options: {
    message: string;
    status: number;
    problem: Problem | null;
    request_id: string | null;
    retry_after_s?: number | null;
  }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.problem = options.problem;
    this.request_id = options.request_id;
    this.retry_after_s = options.retry_after_s ?? null;
  }
}

export const kCsrfHeader = 'X-CSRF-Token';

let csrf_token: string | null = null;
let unauthorized_listener: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrf_token = token;
}

export function setUnauthorizedListener(listener: (() => void) | null): void {
  unauthorized_listener = listener;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldErrorList(items: unknown[]): FieldError[] {
  return items.filter(isRecord).map((item) => ({
    field: typeof item.field === 'string' ? item.field : '',
    reason: typeof item.reason === 'string' ? item.reason : '',
  }));
}

// Keeps only the members of a problem document that have the expected types: the body comes from
// the network, so nothing about its shape is trusted.
export function parseProblem(value: unknown): Problem | null {
  if (!isRecord(value)) return null;
  const problem: Problem = {};
  for (const key of ['type', 'title', 'detail', 'instance', 'code', 'request_id'] as const) {
    const member = value[key];
    if (typeof member === 'string') problem[key] = member;
  }
  if (typeof value.status === 'number') problem.status = value.status;
  if (typeof value.contact_id === 'number' && Number.isInteger(value.contact_id)) problem.contact_id = value.contact_id;
  if (Array.isArray(value.problems)) problem.problems = fieldErrorList(value.problems);
  if (Array.isArray(value.errors)) {
    problem.errors = value.errors.filter(isRecord).map((item) => ({
      field: typeof item.field === 'string' ? item.field : '',
      // The contract names it `reason`; the server's shared problem writer says `message` (and a
      // machine `code`): whichever is there is shown.
      reason: [item.reason, item.message, item.code].find((candidate): candidate is string => typeof candidate === 'string' && candidate !== '') ?? '',
    }));
  }
  return problem;
}

// Retry-After is either a number of seconds or an HTTP date (RFC 9110 §10.2.3). Returns whole
// seconds to wait (never negative), or null when the header is absent or unreadable.
export function parseRetryAfter(value: string | null, now_ms: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/[A-Za-z]{3}/.test(text)) return null;  // an HTTP date names its month; Date.parse('-5') is a year
  const at_ms = Date.parse(text);
  if (Number.isNaN(at_ms)) return null;
  return Math.max(0, Math.ceil((at_ms - now_ms) / 1000));
}

async function readProblem(response: Response): Promise<Problem | null> {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return null;
  try {
    return parseProblem(await response.json());
  } catch {
    return null;  // a malformed body: the status and request id are still reported
  }
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  // false when 401 is an expected answer of this call (wrong password) rather than "signed out".
  notify_unauthorized?: boolean;
}

function requestHeaders(method: Method, accept: string, content_type: string | null): Record<string, string> {
  const headers: Record<string, string> = { Accept: accept };
  if (content_type !== null) headers['Content-Type'] = content_type;
  if (method !== 'GET' && csrf_token !== null) headers[kCsrfHeader] = csrf_token;
  return headers;
}

// A body to send as is (a file the browser streams, or text) with its media type.
export interface RawBody {
  raw: Blob | string;
  content_type: string;
}

function isRawBody(body: unknown): body is RawBody {
  return isRecord(body) && typeof body.content_type === 'string' && (typeof body.raw === 'string' || body.raw instanceof Blob);
}

async function send(method: Method, path: string, accept: string, body: unknown, options: RequestOptions): Promise<Response> {
  const raw = isRawBody(body) ? body : null;
  const content_type = raw ? raw.content_type : body !== undefined ? 'application/json' : null;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: requestHeaders(method, accept, content_type),
      body: raw ? raw.raw : body !== undefined ? JSON.stringify(body) : null,
      credentials: 'same-origin',
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ message: `network error for ${path}`, status: 0, problem: null, request_id: null });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  const error = new ApiError({
    message: problem?.title ?? `HTTP ${response.status} for ${path}`,
    status: response.status,
    problem,
    request_id: problem?.request_id ?? response.headers.get('X-Request-Id'),
    retry_after_s: parseRetryAfter(response.headers.get('Retry-After'), Date.now()),
  });
  if (response.status === 401 && options.notify_unauthorized !== false) unauthorized_listener?.();
  throw error;
}

const kAcceptJson = 'application/json, application/problem+json';

export async function getJson(path: string, signal?: AbortSignal, options: RequestOptions = {}): Promise<unknown> {
  const response = await send('GET', path, kAcceptJson, undefined, { ...options, signal });
  return response.json();
}

export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const response = await send('GET', path, 'text/plain, application/problem+json', undefined, { signal });
  return response.text();
}

// Sends a JSON body (or none) with any method; resolves to the parsed answer, or null for an
// answer without a body (204).
export async function sendJson(method: Method, path: string, body?: unknown, options: RequestOptions = {}): Promise<unknown> {
  const response = await send(method, path, kAcceptJson, body, options);
  if (response.status === 204) return null;
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

// Sends a file or text as the body (not JSON-encoded); resolves to the parsed JSON answer.
export async function sendRaw(method: Method, path: string, body: RawBody, options: RequestOptions = {}): Promise<unknown> {
  const response = await send(method, path, kAcceptJson, body, options);
  if (response.status === 204) return null;
  const text = await response.text();
  return text === '' ? null : JSON.parse(text);
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
