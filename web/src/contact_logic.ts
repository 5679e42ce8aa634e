// Pure helpers behind the contact pages, kept free of DOM and Preact so they are unit-tested in
// test/contacts.test.mjs: the search-as-you-type controller (debounce + cancel stale requests),
// the import preview cut, the default mapping name, the CSV error report and the merge field list.
import type { Contact, ImportError } from './api/contacts';

// --- Search as you type

export interface Timers {
  set(callback: () => void, delay_ms: number): unknown;
  clear(handle: unknown): void;
}

export const kBrowserTimers: Timers = {
  set: (callback, delay_ms) => setTimeout(callback, delay_ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export const kSearchDelayMs = 150;

// Runs `load` for the latest query only: a new query waits `delay_ms` of quiet (typing), then aborts
// whatever is still in flight and starts its own request; an answer is delivered only if it
// belongs to the newest request, so a slow answer never overwrites a newer one. `now` skips the
// wait (Enter, a filter change). Single-threaded (main thread).
export class LatestSearch<Q, R> {
  private timer: unknown = null;
  private controller: AbortController | null = null;
  private generation = 0;

  constructor(
    private readonly load: (query: Q, signal: AbortSignal) => Promise<R>,
    private readonly deliver: (result: R, query: Q) => void,
    private readonly fail: (error: unknown, query: Q) => void,
    private readonly options: { delay_ms: number; timers: Timers } = { delay_ms: kSearchDelayMs, timers: kBrowserTimers },
  ) {}

  // Schedules a search for `query` after the quiet period (or at once with `now`).
  request(query: Q, now = false): void {
    if (this.timer !== null) this.options.timers.clear(this.timer);
    this.timer = null;
    if (now) {
      this.start(query);
      return;
    }
    this.timer = this.options.timers.set(() => {
      this.timer = null;
      this.start(query);
    }, this.options.delay_ms);
  }

  // Stops the pending wait and the request in flight (the page goes away).
  cancel(): void {
    if (this.timer !== null) this.options.timers.clear(this.timer);
    this.timer = null;
    this.controller?.abort();
    this.controller = null;
    this.generation += 1;
  }

  private start(query: Q): void {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const generation = ++this.generation;
    this.load(query, controller.signal).then(
      (result) => {
        if (generation === this.generation) this.deliver(result, query);
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        if (error instanceof DOMException && error.name === 'AbortError') return;
        this.fail(error, query);
      },
    );
  }
}

// --- Import

// How many bytes of `bytes` (the start of a file) to send for the preview: up to the last line
// break, so no row and no UTF-8 sequence is cut in half. A sample without any line break (one long
// header) is sent whole.
export function previewCut(bytes: Uint8Array): number {
  for (let index = bytes.length - 1; index >= 0; index -= 1) {
    if (bytes[index] === 0x0a) return index + 1;
  }
  return bytes.length;
}

// A mapping name from a file name: "HubSpot export (2).csv" → "hubspot-export-2".
export function defaultMappingName(file_name: string): string {
  const base = file_name.replace(/\.[^.]*$/, '').toLowerCase();
  const name = base
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  return name === '' ? 'import' : name;
}

export function importFormatOf(file_name: string): 'csv' | 'ndjson' {
  return /\.(ndjson|jsonl|json)$/i.test(file_name) ? 'ndjson' : 'csv';
}

// One CSV cell: quoted when it holds a delimiter, quote or line break; a cell that a spreadsheet
// would read as a formula (= + - @) gets a leading apostrophe.
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

// The per-row error report the wizard offers for download: "line,field,reason" rows.
export function errorReportCsv(errors: readonly ImportError[]): string {
  const lines = ['line,field,reason'];
  for (const error of errors) lines.push([String(error.line), csvCell(error.field), csvCell(error.reason)].join(','));
  return `${lines.join('\r\n')}\r\n`;
}

// The column → field pairs of a mapping, leaving out ignored columns ("").
export function mappingPairs(columns: readonly string[], choice: Readonly<Record<string, string>>): [string, string][] {
  const pairs: [string, string][] = [];
  for (const column of columns) {
    const field = choice[column] ?? '';
    if (field !== '') pairs.push([column, field]);
  }
  return pairs;
}

// --- Merge

export interface MergeField {
  field: string;
  survivor: string;
  other: string;
}

const kMergeFields = ['first_name', 'last_name', 'email', 'phone', 'birthday', 'gender', 'locale', 'time_zone', 'source', 'external_id'] as const;

function fieldText(contact: Contact, field: (typeof kMergeFields)[number]): string {
  const value = contact[field];
  return value === null ? '' : value;
}

// The profile fields whose values differ between two cards (each needs a survivorship choice).
export function differingFields(survivor: Contact, other: Contact): MergeField[] {
  const fields: MergeField[] = [];
  for (const field of kMergeFields) {
    const a = fieldText(survivor, field);
    const b = fieldText(other, field);
    if (a !== b) fields.push({ field, survivor: a, other: b });
  }
  return fields;
}

// The default survivorship choice: the survivor's value unless it is empty.
export function defaultChoice(field: MergeField): 'survivor' | 'other' {
  return field.survivor === '' && field.other !== '' ? 'other' : 'survivor';
}

// --- Dates

// A date from <input type="date"> as the end of that day in UTC (a due date), or null.
export function dueAtFromDate(date: string): string | null {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? `${date}T17:00:00Z` : null;
}

// --- Routing

// The record id in a path such as /contacts/12, or null.
export function pathId(path: string): number | null {
  const match = /^\/[a-z-]+\/(\d+)$/.exec(path);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
