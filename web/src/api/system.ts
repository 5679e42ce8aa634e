// Typed readers for the system endpoints: GET /api/v1/version and GET /healthz.
// Each validates the JSON it receives and throws an ApiError when the shape is not the documented
// one, so pages never render `undefined`.
import { ApiError, getJson } from './client';

export interface VersionInfo {
  name: string;
  version: string;
  store: string;
  api: string;
}

export interface Health {
  status: string;
  store: string;
}

function malformed(path: string): ApiError {
  return new ApiError({ message: `unexpected response from ${path}`, status: 200, problem: null, request_id: null });
}

function stringMember(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const member = (value as Record<string, unknown>)[key];
  return typeof member === 'string' ? member : undefined;
}

export async function fetchVersion(signal?: AbortSignal): Promise<VersionInfo> {
  const path = '/api/v1/version';
  const body = await getJson(path, signal);
  const name = stringMember(body, 'name');
  const version = stringMember(body, 'version');
  const store = stringMember(body, 'store');
  const api = stringMember(body, 'api');
  if (name === undefined || version === undefined || store === undefined || api === undefined) throw malformed(path);
  return { name, version, store, api };
}

export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  const path = '/healthz';
  const body = await getJson(path, signal);
  const status = stringMember(body, 'status');
  if (status === undefined) throw malformed(path);
  return { status, store: stringMember(body, 'store') ?? '' };
}
