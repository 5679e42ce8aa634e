// The client-card API (issue 4) in memory, for mock_server.mjs: contacts, companies, the card,
// notes, tasks, consents, interests, custom fields, the timeline, duplicates with merge and undo,
// import preview / dry run / import with saved mappings and presets, and export. It follows the
// HTTP contract closely enough to develop and test the UI without the C++ server; search is a
// case-insensitive prefix match of any word (Cyrillic included), cursors are offsets.
const kApi = '/api/v1';
const kFields = ['first_name', 'last_name', 'full_name', 'email', 'other_emails', 'phone', 'other_phones', 'address_line1',
  'address_line2', 'city', 'region', 'postal_code', 'country_code', 'birthday', 'gender', 'locale', 'time_zone', 'source',
  'external_id', 'roles', 'company', 'job_title', 'custom.tier_hint'];
const kPresets = {
  hubspot: [['First Name', 'first_name'], ['Last Name', 'last_name'], ['Email', 'email'], ['Phone Number', 'phone'],
    ['Company Name', 'company'], ['Record ID', 'external_id']],
  salesforce: [['First Name', 'first_name'], ['Last Name', 'last_name'], ['Email', 'email'], ['Phone', 'phone'],
    ['Account Name', 'company'], ['Contact ID', 'external_id']],
};
const kRoles = ['customer', 'supplier', 'distributor', 'partner', 'investor'];
const kEditable = new Set(['first_name', 'last_name', 'email', 'other_emails', 'phone', 'other_phones', 'address', 'birthday',
  'gender', 'locale', 'time_zone', 'source', 'owner_id', 'external_id', 'roles', 'custom', 'company_id', 'job_title']);

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function normalisePhone(value) {
  const digits = String(value ?? '').replace(/[^\d+]/g, '');
  if (digits === '') return '';
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith('8') && digits.length === 11) return `+7${digits.slice(1)}`;
  return `+${digits}`;
}

function normaliseBirthday(value) {
  if (value === null || value === undefined || value === '') return { value: null };
  const text = String(value);
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) {
    const dotted = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(text);
    if (dotted) match = [text, dotted[3], dotted[2], dotted[1]];
  }
  if (!match) return { error: 'not a date (YYYY-MM-DD or DD.MM.YYYY)' };
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(match[3])) return { error: 'no such date' };
  return { value: `${match[1]}-${match[2]}-${match[3]}` };
}

// Splits CSV text into rows of cells (quotes, doubled quotes, CRLF); returns [{cells, line}].
function parseCsv(text, delimiter) {
  const rows = [];
  let cells = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let row_line = 1;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line += 1;
        cell += char;
      }
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index += 1;
      cells.push(cell);
      rows.push({ cells, line: row_line });
      cells = [];
      cell = '';
      line += 1;
      row_line = line;
    } else cell += char;
  }
  if (cell !== '' || cells.length > 0) {
    cells.push(cell);
    rows.push({ cells, line: row_line });
  }
  return rows.filter((row) => !(row.cells.length === 1 && row.cells[0] === ''));
}

function detectDelimiter(text) {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  let best = ',';
  let count = -1;
  for (const candidate of [',', ';', '\t', '|']) {
    const found = first.split(candidate).length - 1;
    if (found > count) {
      best = candidate;
      count = found;
    }
  }
  return best;
}

function suggestField(column) {
  const key = column.toLowerCase().replace(/[^a-zа-я0-9]+/g, '_').replace(/^_|_$/g, '');
  const table = { email: 'email', e_mail: 'email', first_name: 'first_name', firstname: 'first_name', name: 'first_name',
    last_name: 'last_name', lastname: 'last_name', surname: 'last_name', phone: 'phone', phone_number: 'phone',
    mobile: 'phone', birthday: 'birthday', company: 'company', company_name: 'company', external_id: 'external_id',
    id: 'external_id', city: 'city', roles: 'roles', role: 'roles', source: 'source', locale: 'locale' };
  return table[key] ?? '';
}

export function createContactsApi() {
  const contacts = [];
  const companies = [];
  const notes = [];
  const tasks = [];
  const consents = [];  // history, oldest first
  const interests = [];  // { contact_id, interest, source, strength, updated_at }
  const events = [];
  const duplicates = [];
  const merges = [];
  const mappings = new Map();
  const custom_fields = [{ id: 1, key: 'tier_hint', label: 'Tier hint', type: 'choice', choices: ['silver', 'gold'],
    required: false, applies_to: 'contact' }];
  const taxonomy = [
    { key: 'sport', name: 'Sport', interests: [{ key: 'running', name: 'Running' }, { key: 'cycling', name: 'Cycling' }] },
    { key: 'food', name: 'Food', interests: [{ key: 'coffee', name: 'Coffee' }, { key: 'wine', name: 'Wine' }] },
  ];
  let event_sequence = 0;

  const record = (kind, contact_id, actor, payload = {}) => {
    const at = now();
    events.push({ sequence: String(++event_sequence), kind, occurred_at: at, recorded_at: at, actor,
      subject_type: 'contact', subject_id: contact_id, payload });
  };

  const companyByName = (name, actor) => {
    let company = companies.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!company) company = addCompany({ name }, actor);
    return company;
  };

  function addCompany(input) {
    const at = now();
    const company = { id: companies.length + 1, name: String(input.name ?? ''), country_code: input.country_code ?? '',
      website: input.website ?? '', email: input.email ?? '', phone: input.phone ?? '', address: {},
      roles: Array.isArray(input.roles) ? input.roles : [], owner_id: null, external_id: '', custom: {},
      contact_count: 0, created_at: at, updated_at: at };
    companies.push(company);
    return company;
  }

  const publicContact = (contact) => ({
    ...contact,
    companies: contact.links.map((link) => ({ company_id: link.company_id,
      name: companies.find((company) => company.id === link.company_id)?.name ?? '', job_title: link.job_title,
      primary: link.primary })),
    links: undefined,
  });

  // Validates a ContactInput into changes; returns { changes, errors }.
  function validate(input, { creating }) {
    const errors = [];
    const changes = {};
    for (const key of Object.keys(input)) if (!kEditable.has(key)) errors.push({ field: key, reason: 'unknown field' });
    for (const key of ['first_name', 'last_name', 'locale', 'time_zone', 'source', 'external_id']) {
      if (input[key] !== undefined) changes[key] = String(input[key] ?? '').trim();
    }
    if (input.email !== undefined) {
      const email = String(input.email ?? '').trim();
      if (email !== '' && !emailPattern.test(email)) errors.push({ field: 'email', reason: 'not an e-mail address' });
      changes.email = email;
    }
    if (input.phone !== undefined) {
      const phone = normalisePhone(input.phone);
      if (phone !== '' && !/^\+\d{8,15}$/.test(phone)) errors.push({ field: 'phone', reason: 'not a phone number' });
      changes.phone = phone;
    }
    if (input.birthday !== undefined) {
      const birthday = normaliseBirthday(input.birthday);
      if (birthday.error) errors.push({ field: 'birthday', reason: birthday.error });
      else changes.birthday = birthday.value;
    }
    if (input.gender !== undefined) changes.gender = input.gender === '' ? null : input.gender;
    if (input.owner_id !== undefined) changes.owner_id = input.owner_id;
    if (input.other_emails !== undefined) changes.other_emails = input.other_emails;
    if (input.other_phones !== undefined) changes.other_phones = (input.other_phones ?? []).map(normalisePhone);
    if (input.address !== undefined) changes.address = input.address ?? {};
    if (input.roles !== undefined) {
      const roles = Array.isArray(input.roles) ? input.roles : [];
      const unknown = roles.filter((role) => !kRoles.includes(role));
      if (unknown.length > 0) errors.push({ field: 'roles', reason: `unknown role ${unknown[0]}` });
      changes.roles = roles;
    }
    if (input.custom !== undefined) changes.custom = input.custom ?? {};
    if (creating && `${changes.first_name ?? ''}${changes.last_name ?? ''}${changes.email ?? ''}${changes.phone ?? ''}` === '') {
      errors.push({ field: 'first_name', reason: 'a contact needs a name, an e-mail or a phone' });
    }
    return { changes, errors };
  }

  function conflict(changes, except_id) {
    return contacts.find((contact) => contact.id !== except_id && contact.merged_into === null &&
      ((changes.email && contact.email.toLowerCase() === changes.email.toLowerCase()) ||
       (changes.external_id && contact.external_id === changes.external_id)));
  }

  function apply(contact, changes) {
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'address') contact.address = { ...contact.address, ...value };
      else if (key === 'custom') {
        for (const [field, entry] of Object.entries(value)) {
          if (entry === null || entry === '') delete contact.custom[field];
          else contact.custom[field] = String(entry);
        }
      } else contact[key] = value;
    }
    contact.updated_at = now();
  }

  function newContact(changes, actor, source = 'manual') {
    const at = now();
    const contact = { id: contacts.length + 1, first_name: '', last_name: '', email: '', other_emails: [], phone: '',
      other_phones: [], address: { line1: '', line2: '', city: '', region: '', postal_code: '', country_code: '' },
      birthday: null, gender: null, locale: '', time_zone: '', source, owner_id: null, external_id: '', roles: [],
      custom: {}, links: [], merged_into: null, created_at: at, updated_at: at };
    apply(contact, changes);
    contacts.push(contact);
    record('contact_created', contact.id, actor, { source });
    return contact;
  }

  const searchable = (contact) => [contact.first_name, contact.last_name, contact.email, contact.phone,
    ...contact.links.map((link) => companies.find((company) => company.id === link.company_id)?.name ?? ''),
    ...notes.filter((note) => note.contact_id === contact.id).map((note) => note.body)].join(' ').toLowerCase();

  function matches(contact, query) {
    const words = searchable(contact).split(/[\s@.,;:()+\-]+/).filter((word) => word !== '');
    return query.toLowerCase().split(/\s+/).filter((term) => term !== '')
      .every((term) => words.some((word) => word.startsWith(term)) || searchable(contact).includes(term));
  }

  function page(items, query) {
    const offset = Number(query.get('cursor') ?? 0) || 0;
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 50) || 50, 1), 500);
    const slice = items.slice(offset, offset + limit);
    return { items: slice, next: offset + limit < items.length ? String(offset + limit) : null };
  }

  function filtered(query) {
    let items = contacts.filter((contact) => contact.merged_into === null);
    const q = query.get('q') ?? '';
    if (q.trim() !== '') items = items.filter((contact) => matches(contact, q));
    if (query.get('role')) items = items.filter((contact) => contact.roles.includes(query.get('role')));
    if (query.get('company_id')) {
      items = items.filter((contact) => contact.links.some((link) => link.company_id === Number(query.get('company_id'))));
    }
    const sort = q.trim() !== '' ? 'newest' : (query.get('sort') ?? 'newest');
    if (sort === 'name') items.sort((a, b) => `${a.last_name} ${a.first_name}`.localeCompare(`${b.last_name} ${b.first_name}`));
    else if (sort === 'updated') items.sort((a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id);
    else items.sort((a, b) => b.id - a.id);
    return items;
  }

  const currentConsents = (contact_id) => {
    const latest = new Map();
    for (const consent of consents.filter((item) => item.contact_id === contact_id)) {
      latest.set(`${consent.channel}:${consent.purpose}`, consent);
    }
    return [...latest.values()];
  };

  const interestsOf = (contact_id) => interests.filter((item) => item.contact_id === contact_id).map((item) => {
    const category = taxonomy.find((candidate) => candidate.interests.some((entry) => entry.key === item.interest));
    return { interest: item.interest, name: category?.interests.find((entry) => entry.key === item.interest)?.name ?? item.interest,
      category: category?.key ?? '', source: item.source, strength: item.strength, updated_at: item.updated_at };
  });

  const familyOf = (contact_id) => [contact_id, ...contacts.filter((contact) => contact.merged_into === contact_id).map((contact) => contact.id)];

  function timeline(contact_id, query) {
    const family = familyOf(contact_id);
    const kinds = (query.get('kind') ?? '').split(',').filter((kind) => kind !== '');
    const items = events.filter((event) => family.includes(event.subject_id) && (kinds.length === 0 || kinds.includes(event.kind)))
      .slice().reverse();
    return page(items, query);
  }

  function runImport(text, query, actor) {
    const format = query.get('format') ?? 'csv';
    const dry_run = query.get('dry_run') === 'true';
    const key = query.get('key') ?? 'email';
    const commit = query.get('commit') ?? 'batch';
    const clean = text.replace(/^\uFEFF/, '');
    let header;
    let records;
    if (format === 'ndjson') {
      records = clean.split(/\n/).map((line, index) => ({ line: index + 1, text: line })).filter((item) => item.text.trim() !== '')
        .map((item) => ({ line: item.line, object: (() => { try { return JSON.parse(item.text); } catch { return null; } })() }));
      header = [...new Set(records.flatMap((item) => (item.object ? Object.keys(item.object) : [])))];
    } else {
      const delimiter = query.get('delimiter') || detectDelimiter(clean);
      const rows = parseCsv(clean, delimiter);
      if (rows.length === 0) return { refused: 'the file has no header row' };
      header = rows[0].cells;
      records = rows.slice(1).map((row) => ({ line: row.line, object: Object.fromEntries(header.map((column, index) => [column, row.cells[index] ?? ''])) }));
    }
    const name = query.get('mapping') ?? '';
    let pairs;
    if (name === '') pairs = header.map((column) => [column, suggestField(column)]).filter(([, field]) => field !== '');
    else if (kPresets[name]) pairs = kPresets[name];
    else if (mappings.has(name)) pairs = mappings.get(name).mapping.columns;
    else return { refused: `unknown mapping ${name}` };
    const mapped = new Map(pairs);
    const report = { dry_run, committed: false, rows: records.length, created: 0, updated: 0, unchanged: 0, failed: 0,
      unmapped_columns: header.filter((column) => !mapped.has(column)), errors: [], errors_truncated: false };
    const writes = [];
    const seen = new Map();
    for (const item of records) {
      if (!item.object) {
        report.failed += 1;
        report.errors.push({ line: item.line, field: '', reason: 'not a JSON object' });
        continue;
      }
      const input = {};
      let company = '';
      let job_title = '';
      for (const [column, field] of pairs) {
        const value = item.object[column];
        if (value === undefined || value === '') continue;
        if (field === 'company') company = String(value);
        else if (field === 'job_title') job_title = String(value);
        else if (field === 'roles') input.roles = String(value).split(/[|,;]/).map((role) => role.trim().toLowerCase()).filter(Boolean);
        else if (['address_line1', 'address_line2', 'city', 'region', 'postal_code', 'country_code'].includes(field)) {
          input.address = { ...(input.address ?? {}), [field.replace('address_', '')]: String(value) };
        } else if (field.startsWith('custom.')) input.custom = { ...(input.custom ?? {}), [field.slice(7)]: String(value) };
        else if (field === 'full_name') {
          const at = String(value).lastIndexOf(' ');
          input.first_name = at < 0 ? String(value) : String(value).slice(0, at);
          input.last_name = at < 0 ? '' : String(value).slice(at + 1);
        }
        else input[field] = String(value);
      }
      const { changes, errors } = validate(input, { creating: true });
      if (errors.length > 0) {
        report.failed += 1;
        for (const error of errors) report.errors.push({ line: item.line, ...error });
        continue;
      }
      const natural = key === 'phone' ? changes.phone : key === 'external_id' ? changes.external_id : (changes.email ?? '').toLowerCase();
      const existing = natural ? (seen.get(natural) ?? contacts.find((contact) => contact.merged_into === null &&
        (key === 'phone' ? contact.phone : key === 'external_id' ? contact.external_id : contact.email.toLowerCase()) === natural)) : undefined;
      if (existing) {
        const differs = Object.entries(changes).some(([field, value]) => JSON.stringify(existing[field]) !== JSON.stringify(value));
        if (differs) report.updated += 1;
        else report.unchanged += 1;
      } else report.created += 1;
      const target = existing ?? { pending: true };
      if (natural) seen.set(natural, target);
      writes.push({ target, changes, company, job_title });
    }
    if (dry_run || (commit === 'all' && report.failed > 0)) return { report };
    for (const write of writes) {
      let contact = write.target.pending ? write.target.contact : write.target;
      if (!contact) {
        contact = newContact(write.changes, actor, 'import');
        write.target.contact = contact;
      } else {
        apply(contact, write.changes);
        record('contact_updated', contact.id, actor, { source: 'import' });
      }
      if (write.company !== '') {
        const company = companyByName(write.company, actor);
        if (!contact.links.some((link) => link.company_id === company.id)) {
          contact.links.push({ company_id: company.id, job_title: write.job_title, primary: contact.links.length === 0 });
        }
      }
    }
    report.committed = true;
    return { report };
  }

  function scan() {
    const open = contacts.filter((contact) => contact.merged_into === null);
    let candidates = 0;
    for (let i = 0; i < open.length; i += 1) {
      for (let j = i + 1; j < open.length; j += 1) {
        const [a, b] = [open[i], open[j]];
        const rules = [];
        if (a.email !== '' && a.email.toLowerCase() === b.email.toLowerCase()) rules.push('same_email');
        if (a.phone !== '' && a.phone === b.phone) rules.push('same_phone');
        const name = (contact) => `${contact.first_name} ${contact.last_name}`.trim().toLowerCase();
        if (name(a) !== '' && name(a) === name(b) && a.birthday === b.birthday) rules.push('similar_name_same_birthday');
        if (rules.length === 0) continue;
        const [first, second] = a.id < b.id ? [a, b] : [b, a];
        if (duplicates.some((pair) => pair.first_id === first.id && pair.second_id === second.id)) continue;
        duplicates.push({ id: duplicates.length + 1, first_id: first.id, second_id: second.id,
          score: Math.min(100, 60 + rules.length * 15), rules, status: 'open', found_at: now() });
        candidates += 1;
      }
    }
    return { scanned: open.length, candidates };
  }

  function merge(survivor, other, fields, actor) {
    const snapshot = { survivor: structuredClone(survivor), other: structuredClone(other),
      notes: notes.filter((note) => note.contact_id === other.id).map((note) => note.id),
      tasks: tasks.filter((task) => task.contact_id === other.id).map((task) => task.id) };
    for (const field of ['first_name', 'last_name', 'email', 'phone', 'birthday', 'gender', 'locale', 'time_zone', 'source', 'external_id']) {
      const choice = fields?.[field] ?? (survivor[field] === '' || survivor[field] === null ? 'other' : 'survivor');
      if (choice === 'other') survivor[field] = other[field];
    }
    survivor.roles = [...new Set([...survivor.roles, ...other.roles])];
    for (const link of other.links) if (!survivor.links.some((item) => item.company_id === link.company_id)) survivor.links.push(link);
    for (const note of notes) if (note.contact_id === other.id) note.contact_id = survivor.id;
    for (const task of tasks) if (task.contact_id === other.id) task.contact_id = survivor.id;
    other.merged_into = survivor.id;
    survivor.updated_at = now();
    const entry = { id: merges.length + 1, survivor_id: survivor.id, merged_id: other.id, actor, merged_at: now(), undone_at: null, snapshot };
    merges.push(entry);
    for (const pair of duplicates) {
      if ((pair.first_id === survivor.id && pair.second_id === other.id) || (pair.first_id === other.id && pair.second_id === survivor.id)) pair.status = 'merged';
    }
    record('contact_merged', survivor.id, actor, { merged_id: other.id });
    return entry;
  }

  const publicMerge = ({ snapshot: _snapshot, ...entry }) => entry;
  const publicDuplicate = (pair) => ({ id: pair.id, first: publicContact(contacts[pair.first_id - 1]),
    second: publicContact(contacts[pair.second_id - 1]), score: pair.score, rules: pair.rules, status: pair.status, found_at: pair.found_at });

  function card(contact) {
    const family = familyOf(contact.id);
    return {
      contact: publicContact(contact),
      interests: interestsOf(contact.id),
      consents: currentConsents(contact.id),
      tasks: tasks.filter((task) => task.contact_id === contact.id && !task.done).sort((a, b) => (a.due_at ?? '9').localeCompare(b.due_at ?? '9')).slice(0, 20),
      notes: notes.filter((note) => note.contact_id === contact.id).slice().reverse().slice(0, 20),
      timeline: timeline(contact.id, new URLSearchParams()),
      merges: merges.filter((entry) => family.includes(entry.survivor_id) || entry.merged_id === contact.id).map(publicMerge),
    };
  }

  function csvCell(value) {
    const text = String(value ?? '');
    const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  }

  // Handles a client-card route; returns false when the path is not one.
  async function handle(request, context) {
    const { method, path, query, principal, answer, fail, allowed, readJson, readText, sendRaw } = context;
    if (!path.startsWith(`${kApi}/`)) return false;
    const route = path.slice(kApi.length);
    const actor = principal.actor;
    const need = (action) => {
      if (allowed('relationships', action)) return true;
      fail(403, 'permission_denied', 'Not allowed');
      return false;
    };
    const contactOr404 = (id) => {
      const contact = contacts[Number(id) - 1];
      if (!contact) fail(404, 'not_found', 'No such contact');
      return contact;
    };
    let match;

    if (route === '/contacts' && method === 'GET') {
      if (!need('read')) return true;
      const body = page(filtered(query).map(publicContact), query);
      return answer(200, body, { 'Server-Timing': 'db;dur=0.4' }), true;
    }
    if (route === '/contacts' && method === 'POST') {
      if (!need('write')) return true;
      const input = (await readJson()) ?? {};
      const { changes, errors } = validate(input, { creating: true });
      if (errors.length > 0) return context.problem(422, 'invalid_contact', 'The contact is not valid', { errors }), true;
      const existing = conflict(changes, 0);
      if (existing) return context.problem(409, 'contact_exists', 'The contact already exists', { contact_id: existing.id }), true;
      const contact = newContact(changes, actor);
      if (input.company_id !== undefined) contact.links.push({ company_id: Number(input.company_id), job_title: input.job_title ?? '', primary: true });
      return answer(201, { ...publicContact(contact), duplicates: [] }), true;
    }
    if (route === '/contacts/export' && method === 'GET') {
      if (!need('admin')) return true;
      const items = filtered(query);
      const format = query.get('format') ?? 'csv';
      if (format === 'ndjson') {
        return sendRaw(200, 'application/x-ndjson', items.map((contact) => JSON.stringify(publicContact(contact))).join('\n') + '\n',
          { 'Content-Disposition': 'attachment; filename="contacts.ndjson"' }), true;
      }
      if (format === 'vcard') {
        return sendRaw(200, 'text/vcard', items.map((contact) => `BEGIN:VCARD\r\nVERSION:4.0\r\nFN:${contact.first_name} ${contact.last_name}\r\nEMAIL:${contact.email}\r\nEND:VCARD\r\n`).join(''),
          { 'Content-Disposition': 'attachment; filename="contacts.vcf"' }), true;
      }
      const lines = ['id,first_name,last_name,email,phone', ...items.map((contact) => [contact.id, contact.first_name, contact.last_name, contact.email, contact.phone].map(csvCell).join(','))];
      return sendRaw(200, 'text/csv', `${lines.join('\r\n')}\r\n`, { 'Content-Disposition': 'attachment; filename="contacts.csv"' }), true;
    }
    if (route === '/contacts/import/preview' && method === 'POST') {
      if (!need('admin')) return true;
      const text = (await readText()).replace(/^\uFEFF/, '');
      if (query.get('format') === 'ndjson') {
        const objects = text.split('\n').filter((line) => line.trim() !== '').slice(0, 10).map((line) => { try { return JSON.parse(line); } catch { return {}; } });
        const columns = [...new Set(objects.flatMap((object) => Object.keys(object)))];
        return answer(200, { delimiter: '', columns, rows: objects.map((object) => columns.map((column) => String(object[column] ?? ''))),
          suggested: Object.fromEntries(columns.map((column) => [column, suggestField(column)]).filter(([, field]) => field !== '')), fields: kFields }), true;
      }
      const delimiter = query.get('delimiter') || detectDelimiter(text);
      const rows = parseCsv(text, delimiter);
      if (rows.length === 0) return context.problem(422, 'import_refused', 'The file has no header row'), true;
      const columns = rows[0].cells;
      return answer(200, { delimiter, columns, rows: rows.slice(1, 11).map((row) => row.cells),
        suggested: Object.fromEntries(columns.map((column) => [column, suggestField(column)]).filter(([, field]) => field !== '')), fields: kFields }), true;
    }
    if (route === '/contacts/import' && method === 'POST') {
      if (!need('admin')) return true;
      const result = runImport(await readText(), query, actor);
      if (result.refused) return context.problem(422, 'import_refused', result.refused), true;
      return answer(200, result.report), true;
    }
    if (route === '/import-mappings' && method === 'GET') {
      if (!need('read')) return true;
      return answer(200, { items: [...mappings.values()] }), true;
    }
    if ((match = /^\/import-mappings\/([^/]+)$/.exec(route))) {
      if (!need('admin')) return true;
      const name = decodeURIComponent(match[1]);
      if (method === 'PUT') {
        const body = (await readJson()) ?? {};
        const entry = { name, mapping: { columns: body.columns ?? [], default_calling_code: body.default_calling_code ?? '' }, updated_at: now() };
        mappings.set(name, entry);
        return answer(200, entry), true;
      }
      if (method === 'DELETE') {
        mappings.delete(name);
        return answer(204, null), true;
      }
    }
    if ((match = /^\/contacts\/(\d+)$/.exec(route))) {
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      if (method === 'GET') return need('read') && answer(200, publicContact(contact)), true;
      if (method === 'PATCH') {
        if (!need('write')) return true;
        const { changes, errors } = validate((await readJson()) ?? {}, { creating: false });
        if (errors.length > 0) return context.problem(422, 'invalid_contact', 'The contact is not valid', { errors }), true;
        const existing = conflict(changes, contact.id);
        if (existing) return context.problem(409, 'contact_exists', 'The contact already exists', { contact_id: existing.id }), true;
        apply(contact, changes);
        record('contact_updated', contact.id, actor, { fields: Object.keys(changes) });
        return answer(200, publicContact(contact)), true;
      }
    }
    if ((match = /^\/contacts\/(\d+)\/card$/.exec(route)) && method === 'GET') {
      if (!need('read')) return true;
      const contact = contactOr404(match[1]);
      return contact && answer(200, card(contact)), true;
    }
    if ((match = /^\/contacts\/(\d+)\/timeline$/.exec(route)) && method === 'GET') {
      if (!need('read')) return true;
      const contact = contactOr404(match[1]);
      return contact && answer(200, timeline(contact.id, query)), true;
    }
    if ((match = /^\/contacts\/(\d+)\/notes$/.exec(route))) {
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      if (method === 'GET') return need('read') && answer(200, { items: notes.filter((note) => note.contact_id === contact.id).slice().reverse(), next: null }), true;
      if (!need('write')) return true;
      const body = (await readJson()) ?? {};
      if (typeof body.body !== 'string' || body.body.trim() === '') return context.problem(422, 'invalid_note', 'A note needs text'), true;
      const at = now();
      const note = { id: notes.length + 1, contact_id: contact.id, body: body.body, author: principal.name, created_at: at, updated_at: at };
      notes.push(note);
      record('note_added', contact.id, actor, { note_id: note.id });
      return answer(201, note), true;
    }
    if ((match = /^\/notes\/(\d+)$/.exec(route))) {
      if (!need('write')) return true;
      const note = notes.find((candidate) => candidate.id === Number(match[1]));
      if (!note || note.deleted) return fail(404, 'not_found', 'No such note'), true;
      if (method === 'PATCH') {
        note.body = String(((await readJson()) ?? {}).body ?? note.body);
        note.updated_at = now();
        return answer(200, note), true;
      }
      if (method === 'DELETE') {
        notes.splice(notes.indexOf(note), 1);
        return answer(204, null), true;
      }
    }
    if ((match = /^\/contacts\/(\d+)\/tasks$/.exec(route))) {
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      if (method === 'GET') {
        if (!need('read')) return true;
        const open = query.get('open');
        return answer(200, { items: tasks.filter((task) => task.contact_id === contact.id && (open === null || task.done === (open === 'false'))), next: null }), true;
      }
      if (!need('write')) return true;
      const body = (await readJson()) ?? {};
      if (typeof body.title !== 'string' || body.title.trim() === '') return context.problem(422, 'invalid_task', 'A task needs a title'), true;
      const at = now();
      const task = { id: tasks.length + 1, contact_id: contact.id, title: body.title, details: body.details ?? '',
        assignee_id: body.assignee_id ?? null, due_at: body.due_at ?? null, remind_at: body.remind_at ?? null, done: false,
        done_at: null, created_by: actor, created_at: at, updated_at: at };
      tasks.push(task);
      record('task_created', contact.id, actor, { task_id: task.id, title: task.title });
      return answer(201, task), true;
    }
    if (route === '/tasks' && method === 'GET') {
      if (!need('read')) return true;
      const assignee = query.get('assignee') === 'me' ? principal.user?.id : Number(query.get('assignee'));
      const open = query.get('open');
      return answer(200, { items: tasks.filter((task) => task.assignee_id === assignee && (open === null || task.done === (open === 'false'))), next: null }), true;
    }
    if ((match = /^\/tasks\/(\d+)$/.exec(route)) && method === 'PATCH') {
      if (!need('write')) return true;
      const task = tasks.find((candidate) => candidate.id === Number(match[1]));
      if (!task) return fail(404, 'not_found', 'No such task'), true;
      const body = (await readJson()) ?? {};
      for (const key of ['title', 'details', 'assignee_id', 'due_at', 'remind_at']) if (body[key] !== undefined) task[key] = body[key];
      if (body.done !== undefined) {
        task.done = Boolean(body.done);
        task.done_at = task.done ? now() : null;
        if (task.done) record('task_done', task.contact_id, actor, { task_id: task.id });
      }
      task.updated_at = now();
      return answer(200, task), true;
    }
    if ((match = /^\/contacts\/(\d+)\/consents$/.exec(route))) {
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      if (method === 'GET') {
        return need('read') && answer(200, { items: currentConsents(contact.id), history: consents.filter((item) => item.contact_id === contact.id).slice().reverse().slice(0, 100) }), true;
      }
      if (!need('write')) return true;
      const body = (await readJson()) ?? {};
      if (!['granted', 'withdrawn'].includes(body.status)) return context.problem(422, 'invalid_consent', 'Unknown status'), true;
      const consent = { id: consents.length + 1, contact_id: contact.id, channel: body.channel, purpose: body.purpose, status: body.status,
        recorded_at: body.recorded_at ?? now(), method: body.method ?? '', proof: body.proof ?? '', actor };
      consents.push(consent);
      record('consent_recorded', contact.id, actor, { channel: consent.channel, purpose: consent.purpose, status: consent.status });
      return answer(201, consent), true;
    }
    if ((match = /^\/contacts\/(\d+)\/interests$/.exec(route)) && method === 'GET') {
      const contact = contactOr404(match[1]);
      return contact && need('read') && answer(200, { items: interestsOf(contact.id) }), true;
    }
    if ((match = /^\/contacts\/(\d+)\/interests\/([^/]+)$/.exec(route))) {
      if (!need('write')) return true;
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      const key = decodeURIComponent(match[2]);
      if (method === 'PUT') {
        const body = (await readJson()) ?? {};
        let entry = interests.find((item) => item.contact_id === contact.id && item.interest === key && item.source === body.source);
        if (!entry) interests.push((entry = { contact_id: contact.id, interest: key, source: body.source ?? 'declared' }));
        entry.strength = Number(body.strength ?? 50);
        entry.updated_at = now();
        record('interest_set', contact.id, actor, { interest: key });
        return answer(200, interestsOf(contact.id).find((item) => item.interest === key && item.source === entry.source)), true;
      }
      if (method === 'DELETE') {
        const source = query.get('source') ?? 'declared';
        const index = interests.findIndex((item) => item.contact_id === contact.id && item.interest === key && item.source === source);
        if (index >= 0) interests.splice(index, 1);
        return answer(204, null), true;
      }
    }
    if (route === '/interests' && method === 'GET') return need('read') && answer(200, { categories: taxonomy }), true;
    if (route === '/custom-fields' && method === 'GET') return need('read') && answer(200, { items: custom_fields }), true;
    if ((match = /^\/contacts\/(\d+)\/companies$/.exec(route)) && method === 'POST') {
      if (!need('write')) return true;
      const contact = contactOr404(match[1]);
      if (!contact) return true;
      const body = (await readJson()) ?? {};
      contact.links.push({ company_id: Number(body.company_id), job_title: body.job_title ?? '', primary: Boolean(body.primary) });
      return answer(200, publicContact(contact)), true;
    }
    if (route === '/companies' && method === 'GET') {
      if (!need('read')) return true;
      const q = (query.get('q') ?? '').toLowerCase();
      return answer(200, page(companies.filter((company) => q === '' || company.name.toLowerCase().includes(q)).map((company) => ({ ...company, contact_count: 0 })), query)), true;
    }
    if (route === '/companies' && method === 'POST') {
      if (!need('write')) return true;
      const body = (await readJson()) ?? {};
      if (typeof body.name !== 'string' || body.name.trim() === '') return context.problem(422, 'invalid_company', 'A company needs a name', { errors: [{ field: 'name', reason: 'required' }] }), true;
      return answer(201, addCompany(body)), true;
    }
    if ((match = /^\/companies\/(\d+)$/.exec(route)) && method === 'GET') {
      if (!need('read')) return true;
      const company = companies[Number(match[1]) - 1];
      if (!company) return fail(404, 'not_found', 'No such company'), true;
      const count = contacts.filter((contact) => contact.merged_into === null && contact.links.some((link) => link.company_id === company.id)).length;
      return answer(200, { ...company, contact_count: count }), true;
    }
    if ((match = /^\/companies\/(\d+)\/contacts$/.exec(route)) && method === 'GET') {
      if (!need('read')) return true;
      const id = Number(match[1]);
      return answer(200, page(contacts.filter((contact) => contact.merged_into === null && contact.links.some((link) => link.company_id === id)).map(publicContact), query)), true;
    }
    if (route === '/duplicates' && method === 'GET') {
      if (!need('read')) return true;
      const status = query.get('status') ?? 'open';
      return answer(200, page(duplicates.filter((pair) => pair.status === status).map(publicDuplicate), query)), true;
    }
    if (route === '/duplicates/scan' && method === 'POST') return need('admin') && answer(200, scan()), true;
    if ((match = /^\/duplicates\/(\d+)\/dismiss$/.exec(route)) && method === 'POST') {
      if (!need('write')) return true;
      const pair = duplicates[Number(match[1]) - 1];
      if (!pair) return fail(404, 'not_found', 'No such pair'), true;
      pair.status = 'dismissed';
      return answer(200, publicDuplicate(pair)), true;
    }
    if ((match = /^\/contacts\/(\d+)\/merge$/.exec(route)) && method === 'POST') {
      if (!need('admin')) return true;
      const survivor = contactOr404(match[1]);
      if (!survivor) return true;
      const body = (await readJson()) ?? {};
      const other = contacts[Number(body.other_id) - 1];
      if (!other || other.id === survivor.id || other.merged_into !== null || survivor.merged_into !== null) {
        return context.problem(409, 'merge_refused', 'These contacts cannot be merged'), true;
      }
      const entry = merge(survivor, other, body.fields, actor);
      return answer(200, { merge: publicMerge(entry), contact: publicContact(survivor) }), true;
    }
    if ((match = /^\/contacts\/(\d+)\/merges$/.exec(route)) && method === 'GET') {
      if (!need('read')) return true;
      const id = Number(match[1]);
      return answer(200, { items: merges.filter((entry) => entry.survivor_id === id || entry.merged_id === id).map(publicMerge) }), true;
    }
    if ((match = /^\/merges\/(\d+)\/undo$/.exec(route)) && method === 'POST') {
      if (!need('admin')) return true;
      const entry = merges[Number(match[1]) - 1];
      if (!entry) return fail(404, 'not_found', 'No such merge'), true;
      if (entry.undone_at !== null) return context.problem(409, 'merge_undone', 'Already undone'), true;
      const { snapshot } = entry;
      Object.assign(contacts[entry.survivor_id - 1], structuredClone(snapshot.survivor));
      Object.assign(contacts[entry.merged_id - 1], structuredClone(snapshot.other));
      for (const note of notes) if (snapshot.notes.includes(note.id)) note.contact_id = entry.merged_id;
      for (const task of tasks) if (snapshot.tasks.includes(task.id)) task.contact_id = entry.merged_id;
      entry.undone_at = now();
      record('merge_undone', entry.survivor_id, actor, { merged_id: entry.merged_id });
      return answer(200, { merge: publicMerge(entry), contact: publicContact(contacts[entry.survivor_id - 1]) }), true;
    }
    return false;
  }

  return { handle };
}
