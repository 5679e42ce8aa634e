// Validation helpers for API answers: each reads one member of a JSON object with the expected type
// or throws `Malformed`; `validated` turns that into an ApiError ("unexpected response from …") the
// pages show like any other failure. Pure functions, no I/O.
import { ApiError } from './client';

export class Malformed extends Error {}

export type Json = Record<string, unknown>;

export function record(value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed('not an object');
  return value as Json;
}

export function text(object: Json, key: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new Malformed(`${key}: not a string`);
  return value;
}

// A string member that may be absent or null (read as "").
export function textOr(object: Json, key: string, fallback = ''): string {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new Malformed(`${key}: not a string`);
  return value;
}

export function optionalText(object: Json, key: string): string | null {
  const value = object[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new Malformed(`${key}: not a string`);
  return value;
}

export function integer(object: Json, key: string): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Malformed(`${key}: not an integer`);
  return value;
}

export function integerOr(object: Json, key: string, fallback: number): number {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Malformed(`${key}: not an integer`);
  return value;
}

export function optionalInteger(object: Json, key: string): number | null {
  const value = object[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Malformed(`${key}: not an integer`);
  return value;
}

export function flagOr(object: Json, key: string, fallback: boolean): boolean {
  const value = object[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw new Malformed(`${key}: not a boolean`);
  return value;
}

export function list<T>(value: unknown, parse: (item: unknown) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Malformed('not an array');
  return value.map(parse);
}

export function strings(value: unknown): string[] {
  return list(value, (item) => {
    if (typeof item !== 'string') throw new Malformed('not a string');
    return item;
  });
}

// A list cursor: an opaque non-empty string (a number is accepted and kept as its text).
export function cursor(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (value === null || value === undefined || value === '') return null;
  throw new Malformed('next: not a cursor');
}

// Runs `parse` on an answer, turning a shape mismatch into an ApiError the pages can show.
export function validated<T>(path: string, value: unknown, parse: (value: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    throw new ApiError({ message: `unexpected response from ${path}: ${error.message}`, status: 200, problem: null, request_id: null });
  }
}
