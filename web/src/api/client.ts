// Talks to the Rapport HTTP API. Every failure becomes an `ApiError` carrying what the person
// needs to report it: the HTTP status, the problem (RFC 9457 application/problem+json) when the
// server sent one, and the request id (from the problem body, else the X-Request-Id header).
// A network failure is an ApiError with status 0. Aborted requests reject with the AbortError as is.

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  code?: string;
  request_id?: string;
}

export class ApiError extends Error {
  readonly status: number;  // 0: no HTTP response at all
  readonly problem: Problem | null;
  readonly request_id: string | null;

  constructor(options: { message: string; status: number; problem: Problem | null; request_id: string | null }) {
    super(options.message);
    this.name = 'ApiError';
    this.status = options.status;
    this.problem = options.problem;
    this.request_id = options.request_id;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
  return problem;
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

async function send(path: string, accept: string, signal?: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: accept }, signal: signal ?? null });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ message: `network error for ${path}`, status: 0, problem: null, request_id: null });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  throw new ApiError({
    message: problem?.title ?? `HTTP ${response.status} for ${path}`,
    status: response.status,
    problem,
    request_id: problem?.request_id ?? response.headers.get('X-Request-Id'),
  });
}

export async function getJson(path: string, signal?: AbortSignal): Promise<unknown> {
  const response = await send(path, 'application/json, application/problem+json', signal);
  return response.json();
}

export async function getText(path: string, signal?: AbortSignal): Promise<string> {
  const response = await send(path, 'text/plain, application/problem+json', signal);
  return response.text();
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
