// Typed calls for the client card (issue 4): contacts, companies, the card itself, notes, tasks,
// consents, interests, custom fields, duplicates and merges, import and export. Every answer is
// validated (see json.ts) before a page sees it; members the contract marks optional or nullable
// are read with a fallback, so an older server that omits one still renders. The parse* and
// *Path functions are pure and unit-tested in test/contacts.test.mjs.
import { getJson, sendJson, sendRaw } from './client';
import {
  cursor,
  flagOr,
  integer,
  integerOr,
  list,
  optionalInteger,
  optionalText,
  record,
  strings,
  text,
  textOr,
  validated,
  type Json,
} from './json';

const kApi = '/api/v1';

export const kContactRoles = ['customer', 'supplier', 'distributor', 'partner', 'investor'] as const;
export type ContactRole = (typeof kContactRoles)[number];
export const kContactSorts = ['newest', 'name', 'updated'] as const;
export const kConsentChannels = ['email', 'sms', 'phone', 'post', 'any'] as const;
export const kConsentPurposes = ['marketing', 'profiling', 'service'] as const;
export const kInterestSources = ['declared', 'purchase', 'survey', 'campaign_click'] as const;
export const kImportKeys = ['email', 'phone', 'external_id'] as const;
export const kCommitModes = ['batch', 'all'] as const;
export const kExportFormats = ['csv', 'ndjson', 'vcard'] as const;
export const kPageSize = 50;
// The import preview reads this much of the file in the browser (the server accepts ≤ 1 MiB).
export const kPreviewBytesMax = 256 * 1024;

export interface Address {
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country_code: string;
}

export interface ContactCompany {
  company_id: number;
  name: string;
  job_title: string;
  primary: boolean;
}

export interface Contact {
  id: number;
  first_name: string;
  last_name: string;
  email: string;
  other_emails: string[];
  phone: string;
  other_phones: string[];
  address: Address;
  birthday: string | null;
  gender: string | null;
  locale: string;
  time_zone: string;
  source: string;
  owner_id: number | null;
  external_id: string;
  roles: string[];
  custom: Record<string, string>;
  companies: ContactCompany[];
  merged_into: number | null;
  created_at: string;
  updated_at: string;
}

export interface Company {
  id: number;
  name: string;
  country_code: string;
  website: string;
  email: string;
  phone: string;
  roles: string[];
  owner_id: number | null;
  external_id: string;
  contact_count: number;
  created_at: string;
}

export interface TimelineEvent {
  sequence: string;
  kind: string;
  occurred_at: string;
  actor: string;
  subject_type: string;
  subject_id: number | null;
  payload: Json;
}

export interface Note {
  id: number;
  contact_id: number;
  body: string;
  author: string;
  created_at: string;
  updated_at: string;
}

export interface Task {
  id: number;
  contact_id: number;
  title: string;
  details: string;
  assignee_id: number | null;
  due_at: string | null;
  remind_at: string | null;
  done: boolean;
  done_at: string | null;
  created_at: string;
}

export interface Consent {
  id: number;
  channel: string;
  purpose: string;
  status: string;
  recorded_at: string;
  method: string;
  proof: string;
  actor: string;
}

export interface ContactInterest {
  interest: string;
  name: string;
  category: string;
  source: string;
  strength: number;
  updated_at: string;
}

export interface Merge {
  id: number;
  survivor_id: number;
  merged_id: number;
  actor: string;
  merged_at: string;
  undone_at: string | null;
}

export interface Duplicate {
  id: number;
  first: Contact;
  second: Contact;
  score: number;
  rules: string[];
  status: string;
  found_at: string;
}

export interface CustomField {
  id: number;
  key: string;
  label: string;
  type: string;
  choices: string[];
  required: boolean;
  applies_to: string;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Card {
  contact: Contact;
  interests: ContactInterest[];
  consents: Consent[];
  tasks: Task[];
  notes: Note[];
  timeline: Page<TimelineEvent>;
  merges: Merge[];
}

export interface InterestCategory {
  key: string;
  name: string;
  interests: { key: string; name: string }[];
}

export interface ImportPreview {
  delimiter: string;
  columns: string[];
  rows: string[][];
  suggested: Record<string, string>;
  fields: string[];
}

export interface ImportError {
  line: number;
  field: string;
  reason: string;
}

export interface ImportReport {
  dry_run: boolean;
  committed: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  unmapped_columns: string[];
  errors: ImportError[];
  errors_truncated: boolean;
}

export interface ImportMapping {
  name: string;
  columns: [string, string][];
  default_calling_code: string;
}

// --- Parsing

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const object = record(value);
  const result: Record<string, string> = {};
  for (const [key, member] of Object.entries(object)) {
    if (member === null || member === undefined) continue;
    result[key] = typeof member === 'string' ? member : String(member);
  }
  return result;
}

function parseAddress(value: unknown): Address {
  const object = value === undefined || value === null ? {} : record(value);
  return {
    line1: textOr(object, 'line1'),
    line2: textOr(object, 'line2'),
    city: textOr(object, 'city'),
    region: textOr(object, 'region'),
    postal_code: textOr(object, 'postal_code'),
    country_code: textOr(object, 'country_code'),
  };
}

export function parseContact(value: unknown): Contact {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    first_name: textOr(object, 'first_name'),
    last_name: textOr(object, 'last_name'),
    email: textOr(object, 'email'),
    other_emails: strings(object.other_emails),
    phone: textOr(object, 'phone'),
    other_phones: strings(object.other_phones),
    address: parseAddress(object.address),
    birthday: optionalText(object, 'birthday'),
    gender: optionalText(object, 'gender'),
    locale: textOr(object, 'locale'),
    time_zone: textOr(object, 'time_zone'),
    source: textOr(object, 'source'),
    owner_id: optionalInteger(object, 'owner_id'),
    external_id: textOr(object, 'external_id'),
    roles: strings(object.roles),
    custom: stringMap(object.custom),
    companies: list(object.companies, (item) => {
      const company = record(item);
      return {
        company_id: integer(company, 'company_id'),
        name: textOr(company, 'name'),
        job_title: textOr(company, 'job_title'),
        primary: flagOr(company, 'primary', false),
      };
    }),
    merged_into: optionalInteger(object, 'merged_into'),
    created_at: textOr(object, 'created_at'),
    updated_at: textOr(object, 'updated_at'),
  };
}

export function parseCompany(value: unknown): Company {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    name: textOr(object, 'name'),
    country_code: textOr(object, 'country_code'),
    website: textOr(object, 'website'),
    email: textOr(object, 'email'),
    phone: textOr(object, 'phone'),
    roles: strings(object.roles),
    owner_id: optionalInteger(object, 'owner_id'),
    external_id: textOr(object, 'external_id'),
    contact_count: integerOr(object, 'contact_count', 0),
    created_at: textOr(object, 'created_at'),
  };
}

export function parseEvent(value: unknown): TimelineEvent {
  const object = record(value);
  const sequence = object.sequence;
  return {
    sequence: typeof sequence === 'number' ? String(sequence) : text(object, 'sequence'),
    kind: text(object, 'kind'),
    occurred_at: textOr(object, 'occurred_at'),
    actor: textOr(object, 'actor'),
    subject_type: textOr(object, 'subject_type'),
    subject_id: optionalInteger(object, 'subject_id'),
    payload: object.payload === undefined || object.payload === null ? {} : record(object.payload),
  };
}

export function parseNote(value: unknown): Note {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    contact_id: integerOr(object, 'contact_id', 0),
    body: text(object, 'body'),
    author: textOr(object, 'author'),
    created_at: textOr(object, 'created_at'),
    updated_at: textOr(object, 'updated_at'),
  };
}

export function parseTask(value: unknown): Task {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    contact_id: integerOr(object, 'contact_id', 0),
    title: text(object, 'title'),
    details: textOr(object, 'details'),
    assignee_id: optionalInteger(object, 'assignee_id'),
    due_at: optionalText(object, 'due_at'),
    remind_at: optionalText(object, 'remind_at'),
    done: flagOr(object, 'done', false),
    done_at: optionalText(object, 'done_at'),
    created_at: textOr(object, 'created_at'),
  };
}

export function parseConsent(value: unknown): Consent {
  const object = record(value);
  return {
    id: integerOr(object, 'id', 0),
    channel: text(object, 'channel'),
    purpose: text(object, 'purpose'),
    status: text(object, 'status'),
    recorded_at: textOr(object, 'recorded_at'),
    method: textOr(object, 'method'),
    proof: textOr(object, 'proof'),
    actor: textOr(object, 'actor'),
  };
}

export function parseInterest(value: unknown): ContactInterest {
  const object = record(value);
  return {
    interest: text(object, 'interest'),
    name: textOr(object, 'name'),
    category: textOr(object, 'category'),
    source: textOr(object, 'source'),
    strength: integerOr(object, 'strength', 0),
    updated_at: textOr(object, 'updated_at'),
  };
}

export function parseMerge(value: unknown): Merge {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    survivor_id: integer(object, 'survivor_id'),
    merged_id: integer(object, 'merged_id'),
    actor: textOr(object, 'actor'),
    merged_at: textOr(object, 'merged_at'),
    undone_at: optionalText(object, 'undone_at'),
  };
}

export function parseDuplicate(value: unknown): Duplicate {
  const object = record(value);
  return {
    id: integer(object, 'id'),
    first: parseContact(object.first),
    second: parseContact(object.second),
    score: integerOr(object, 'score', 0),
    rules: strings(object.rules),
    status: textOr(object, 'status', 'open'),
    found_at: textOr(object, 'found_at'),
  };
}

export function parseCustomField(value: unknown): CustomField {
  const object = record(value);
  return {
    id: integerOr(object, 'id', 0),
    key: text(object, 'key'),
    label: textOr(object, 'label'),
    type: textOr(object, 'type', 'text'),
    choices: strings(object.choices),
    required: flagOr(object, 'required', false),
    applies_to: textOr(object, 'applies_to', 'contact'),
  };
}

export function parsePage<T>(value: unknown, parse: (item: unknown) => T): Page<T> {
  const object = record(value);
  return { items: list(object.items, parse), next: cursor(object.next) };
}

export function parseCard(value: unknown): Card {
  const object = record(value);
  return {
    contact: parseContact(object.contact),
    interests: list(object.interests, parseInterest),
    consents: list(object.consents, parseConsent),
    tasks: list(object.tasks, parseTask),
    notes: list(object.notes, parseNote),
    timeline: object.timeline === undefined || object.timeline === null ? { items: [], next: null } : parsePage(object.timeline, parseEvent),
    merges: list(object.merges, parseMerge),
  };
}

export function parseImportPreview(value: unknown): ImportPreview {
  const object = record(value);
  return {
    delimiter: textOr(object, 'delimiter', ','),
    columns: strings(object.columns),
    rows: list(object.rows, (row) => list(row, (cell) => (typeof cell === 'string' ? cell : cell === null ? '' : String(cell)))),
    suggested: stringMap(object.suggested),
    fields: strings(object.fields),
  };
}

export function parseImportReport(value: unknown): ImportReport {
  const object = record(value);
  return {
    dry_run: flagOr(object, 'dry_run', false),
    committed: flagOr(object, 'committed', false),
    rows: integerOr(object, 'rows', 0),
    created: integerOr(object, 'created', 0),
    updated: integerOr(object, 'updated', 0),
    unchanged: integerOr(object, 'unchanged', 0),
    failed: integerOr(object, 'failed', 0),
    unmapped_columns: strings(object.unmapped_columns),
    errors: list(object.errors, (item) => {
      const error = record(item);
      return { line: integerOr(error, 'line', 0), field: textOr(error, 'field'), reason: textOr(error, 'reason') };
    }),
    errors_truncated: flagOr(object, 'errors_truncated', false),
  };
}

function parseMappingBody(name: string, value: unknown): ImportMapping {
  const object = record(value);
  const columns = list(object.columns, (pair) => {
    const [column, field] = strings(pair);
    return [column ?? '', field ?? ''] as [string, string];
  });
  return { name, columns, default_calling_code: textOr(object, 'default_calling_code') };
}

export function parseMapping(value: unknown): ImportMapping {
  const object = record(value);
  const name = text(object, 'name');
  return parseMappingBody(name, object.mapping ?? object);
}

// --- Display helpers

// "Анна Иванова", or the e-mail, or "#12" when a contact has neither name nor e-mail.
export function contactName(contact: Pick<Contact, 'id' | 'first_name' | 'last_name' | 'email'>): string {
  const name = `${contact.first_name} ${contact.last_name}`.trim();
  if (name !== '') return name;
  return contact.email !== '' ? contact.email : `#${contact.id}`;
}

// --- Query paths

export interface ContactFilters {
  q: string;
  role: string;
  sort: string;
  company_id?: number | undefined;
}

// The list filters as query parameters (empty ones left out), shared by the list and the export.
export function contactFilterParameters(filters: ContactFilters): URLSearchParams {
  const parameters = new URLSearchParams();
  const q = filters.q.trim();
  if (q !== '') parameters.set('q', q);
  if (filters.role !== '') parameters.set('role', filters.role);
  if (filters.sort !== '' && q === '') parameters.set('sort', filters.sort);
  if (filters.company_id !== undefined) parameters.set('company_id', String(filters.company_id));
  return parameters;
}

export function contactsPath(filters: ContactFilters, next: string | null, limit = kPageSize): string {
  const parameters = contactFilterParameters(filters);
  if (next !== null) parameters.set('cursor', next);
  parameters.set('limit', String(limit));
  return `${kApi}/contacts?${parameters.toString()}`;
}

export function exportPath(filters: ContactFilters, format: string): string {
  const parameters = contactFilterParameters(filters);
  parameters.set('format', format);
  return `${kApi}/contacts/export?${parameters.toString()}`;
}

export interface ImportOptions {
  format: 'csv' | 'ndjson';
  key: string;
  dry_run: boolean;
  mapping: string;
  commit: string;
  delimiter: string;
}

export function importPath(options: ImportOptions): string {
  const parameters = new URLSearchParams();
  parameters.set('format', options.format);
  parameters.set('key', options.key);
  parameters.set('dry_run', options.dry_run ? 'true' : 'false');
  if (options.mapping !== '') parameters.set('mapping', options.mapping);
  parameters.set('commit', options.commit);
  if (options.delimiter !== '') parameters.set('delimiter', options.delimiter);
  return `${kApi}/contacts/import?${parameters.toString()}`;
}

export function timelinePath(contact_id: number, kinds: readonly string[], next: string | null, limit = kPageSize): string {
  const parameters = new URLSearchParams();
  if (kinds.length > 0) parameters.set('kind', kinds.join(','));
  if (next !== null) parameters.set('cursor', next);
  parameters.set('limit', String(limit));
  return `${kApi}/contacts/${contact_id}/timeline?${parameters.toString()}`;
}

// --- Calls

export async function listContacts(filters: ContactFilters, next: string | null, signal?: AbortSignal): Promise<Page<Contact>> {
  const path = contactsPath(filters, next);
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseContact));
}

export type ContactInput = Partial<Omit<Contact, 'id' | 'companies' | 'merged_into' | 'created_at' | 'updated_at' | 'custom' | 'address'>> & {
  custom?: Record<string, string | null>;
  address?: Partial<Address>;
  company_id?: number;
  job_title?: string;
};

export interface CreatedContact {
  contact: Contact;
  duplicates: { contact_id: number; score: number; rules: string[] }[];
}

export async function createContact(input: ContactInput): Promise<CreatedContact> {
  const path = `${kApi}/contacts`;
  return validated(path, await sendJson('POST', path, input), (value) => ({
    contact: parseContact(value),
    duplicates: list(record(value).duplicates, (item) => {
      const object = record(item);
      return { contact_id: integer(object, 'contact_id'), score: integerOr(object, 'score', 0), rules: strings(object.rules) };
    }),
  }));
}

export async function updateContact(contact_id: number, input: ContactInput): Promise<Contact> {
  const path = `${kApi}/contacts/${contact_id}`;
  return validated(path, await sendJson('PATCH', path, input), parseContact);
}

export async function fetchCard(contact_id: number, signal?: AbortSignal): Promise<Card> {
  const path = `${kApi}/contacts/${contact_id}/card`;
  return validated(path, await getJson(path, signal), parseCard);
}

export async function fetchTimeline(contact_id: number, kinds: readonly string[], next: string | null, signal?: AbortSignal): Promise<Page<TimelineEvent>> {
  const path = timelinePath(contact_id, kinds, next);
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseEvent));
}

export async function addNote(contact_id: number, body: string): Promise<Note> {
  const path = `${kApi}/contacts/${contact_id}/notes`;
  return validated(path, await sendJson('POST', path, { body }), parseNote);
}

export async function listNotes(contact_id: number, signal?: AbortSignal): Promise<Note[]> {
  const path = `${kApi}/contacts/${contact_id}/notes`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseNote).items);
}

export async function editNote(note_id: number, body: string): Promise<Note> {
  const path = `${kApi}/notes/${note_id}`;
  return validated(path, await sendJson('PATCH', path, { body }), parseNote);
}

export async function deleteNote(note_id: number): Promise<void> {
  await sendJson('DELETE', `${kApi}/notes/${note_id}`);
}

export interface NewTask {
  title: string;
  details: string;
  assignee_id: number | null;
  due_at: string | null;
}

export async function listContactTasks(contact_id: number, signal?: AbortSignal): Promise<Task[]> {
  const path = `${kApi}/contacts/${contact_id}/tasks?open=true`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseTask).items);
}

export async function addTask(contact_id: number, task: NewTask): Promise<Task> {
  const path = `${kApi}/contacts/${contact_id}/tasks`;
  return validated(path, await sendJson('POST', path, task), parseTask);
}

export async function updateTask(task_id: number, change: Partial<NewTask> & { done?: boolean }): Promise<Task> {
  const path = `${kApi}/tasks/${task_id}`;
  return validated(path, await sendJson('PATCH', path, change), parseTask);
}

export async function listMyTasks(open: boolean, signal?: AbortSignal): Promise<Task[]> {
  const path = `${kApi}/tasks?assignee=me&open=${open ? 'true' : 'false'}`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseTask).items);
}

export interface ConsentHistory {
  items: Consent[];
  history: Consent[];
}

export async function fetchConsents(contact_id: number, signal?: AbortSignal): Promise<ConsentHistory> {
  const path = `${kApi}/contacts/${contact_id}/consents`;
  return validated(path, await getJson(path, signal), (value) => {
    const object = record(value);
    return { items: list(object.items, parseConsent), history: list(object.history, parseConsent) };
  });
}

export interface ConsentChange {
  channel: string;
  purpose: string;
  status: 'granted' | 'withdrawn';
  method: string;
  proof: string;
}

export async function recordConsent(contact_id: number, change: ConsentChange): Promise<Consent> {
  const path = `${kApi}/contacts/${contact_id}/consents`;
  return validated(path, await sendJson('POST', path, change), parseConsent);
}

export async function listInterests(contact_id: number, signal?: AbortSignal): Promise<ContactInterest[]> {
  const path = `${kApi}/contacts/${contact_id}/interests`;
  return validated(path, await getJson(path, signal), (value) => list(record(value).items, parseInterest));
}

export async function setInterest(contact_id: number, interest: string, source: string, strength: number): Promise<ContactInterest> {
  const path = `${kApi}/contacts/${contact_id}/interests/${encodeURIComponent(interest)}`;
  return validated(path, await sendJson('PUT', path, { source, strength }), parseInterest);
}

export async function removeInterest(contact_id: number, interest: string, source: string): Promise<void> {
  await sendJson('DELETE', `${kApi}/contacts/${contact_id}/interests/${encodeURIComponent(interest)}?source=${encodeURIComponent(source)}`);
}

export async function fetchTaxonomy(signal?: AbortSignal): Promise<InterestCategory[]> {
  const path = `${kApi}/interests`;
  return validated(path, await getJson(path, signal), (value) =>
    list(record(value).categories, (item) => {
      const category = record(item);
      return {
        key: text(category, 'key'),
        name: textOr(category, 'name'),
        interests: list(category.interests, (entry) => {
          const interest = record(entry);
          return { key: text(interest, 'key'), name: textOr(interest, 'name') };
        }),
      };
    }),
  );
}

export async function fetchCustomFields(signal?: AbortSignal): Promise<CustomField[]> {
  const path = `${kApi}/custom-fields`;
  return validated(path, await getJson(path, signal), (value) => list(record(value).items, parseCustomField));
}

export async function listCompanies(q: string, next: string | null, signal?: AbortSignal): Promise<Page<Company>> {
  const parameters = new URLSearchParams();
  if (q.trim() !== '') parameters.set('q', q.trim());
  if (next !== null) parameters.set('cursor', next);
  parameters.set('limit', String(kPageSize));
  const path = `${kApi}/companies?${parameters.toString()}`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseCompany));
}

export async function fetchCompany(company_id: number, signal?: AbortSignal): Promise<Company> {
  const path = `${kApi}/companies/${company_id}`;
  return validated(path, await getJson(path, signal), parseCompany);
}

export async function createCompany(input: { name: string; roles: string[]; website: string }): Promise<Company> {
  const path = `${kApi}/companies`;
  return validated(path, await sendJson('POST', path, input), parseCompany);
}

export async function listCompanyContacts(company_id: number, next: string | null, signal?: AbortSignal): Promise<Page<Contact>> {
  const parameters = new URLSearchParams({ limit: String(kPageSize) });
  if (next !== null) parameters.set('cursor', next);
  const path = `${kApi}/companies/${company_id}/contacts?${parameters.toString()}`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseContact));
}

export async function linkCompany(contact_id: number, company_id: number, job_title: string): Promise<Contact> {
  const path = `${kApi}/contacts/${contact_id}/companies`;
  return validated(path, await sendJson('POST', path, { company_id, job_title, primary: false }), parseContact);
}

export async function unlinkCompany(contact_id: number, company_id: number): Promise<Contact> {
  const path = `${kApi}/contacts/${contact_id}/companies/${company_id}`;
  return validated(path, await sendJson('DELETE', path), parseContact);
}

export async function listDuplicates(next: string | null, signal?: AbortSignal): Promise<Page<Duplicate>> {
  const parameters = new URLSearchParams({ status: 'open', limit: String(kPageSize) });
  if (next !== null) parameters.set('cursor', next);
  const path = `${kApi}/duplicates?${parameters.toString()}`;
  return validated(path, await getJson(path, signal), (value) => parsePage(value, parseDuplicate));
}

export async function scanDuplicates(): Promise<{ scanned: number; candidates: number }> {
  const path = `${kApi}/duplicates/scan`;
  return validated(path, await sendJson('POST', path), (value) => {
    const object = record(value);
    return { scanned: integerOr(object, 'scanned', 0), candidates: integerOr(object, 'candidates', 0) };
  });
}

export async function dismissDuplicate(duplicate_id: number): Promise<void> {
  await sendJson('POST', `${kApi}/duplicates/${duplicate_id}/dismiss`);
}

export interface MergeResult {
  merge: Merge;
  contact: Contact;
}

function parseMergeResult(value: unknown): MergeResult {
  const object = record(value);
  return { merge: parseMerge(object.merge), contact: parseContact(object.contact) };
}

export async function mergeContacts(survivor_id: number, other_id: number, fields: Record<string, 'survivor' | 'other'>): Promise<MergeResult> {
  const path = `${kApi}/contacts/${survivor_id}/merge`;
  return validated(path, await sendJson('POST', path, { other_id, fields }), parseMergeResult);
}

export async function undoMerge(merge_id: number): Promise<MergeResult> {
  const path = `${kApi}/merges/${merge_id}/undo`;
  return validated(path, await sendJson('POST', path), parseMergeResult);
}

export async function previewImport(sample: Blob, format: 'csv' | 'ndjson', delimiter: string): Promise<ImportPreview> {
  const parameters = new URLSearchParams({ format });
  if (delimiter !== '') parameters.set('delimiter', delimiter);
  const path = `${kApi}/contacts/import/preview?${parameters.toString()}`;
  const content_type = format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return validated(path, await sendRaw('POST', path, { raw: sample, content_type }), parseImportPreview);
}

export async function runImport(file: Blob, options: ImportOptions): Promise<ImportReport> {
  const path = importPath(options);
  const content_type = options.format === 'csv' ? 'text/csv' : 'application/x-ndjson';
  return validated(path, await sendRaw('POST', path, { raw: file, content_type }), parseImportReport);
}

export async function listMappings(signal?: AbortSignal): Promise<ImportMapping[]> {
  const path = `${kApi}/import-mappings`;
  return validated(path, await getJson(path, signal), (value) => list(record(value).items, parseMapping));
}

export async function saveMapping(mapping: ImportMapping): Promise<void> {
  const path = `${kApi}/import-mappings/${encodeURIComponent(mapping.name)}`;
  await sendJson('PUT', path, { columns: mapping.columns, default_calling_code: mapping.default_calling_code });
}
