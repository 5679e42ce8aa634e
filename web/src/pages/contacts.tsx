// Contacts page: the list of relationships with search as you type (150 ms of quiet, then the
// request; a newer query aborts the older one so a slow answer never overwrites it), filters by role
// and sort order, "Load more" with the `next` cursor, and a row opening the client card. People who
// may write get the "New contact" form (field errors of a 422 next to their fields; a 409 links to
// the card that already has the e-mail); admins get Import and Export (the current filters apply).
import { useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from '../api/client';
import {
  contactName,
  createContact,
  exportPath,
  kContactRoles,
  kContactSorts,
  kExportFormats,
  listContacts,
  listCompanies,
  type Company,
  type Contact,
  type ContactFilters,
  type Page,
} from '../api/contacts';
import { ApiError } from '../api/client';
import { CompanyLinks, contactRoleLabel, FieldMessage, fieldErrors, formatDate, RoleBadges, RoleChoice } from '../components/contact_bits';
import { Field, FormError, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { LatestSearch } from '../contact_logic';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';
import { Link, navigate } from '../router';
import { useSession } from '../session';

type Listing =
  | { kind: 'loading'; items: Contact[]; next: string | null }
  | { kind: 'ready'; items: Contact[]; next: string | null }
  | { kind: 'failed'; items: Contact[]; next: string | null; error: unknown };

const kSortKeys: Readonly<Record<string, MessageKey>> = {
  newest: 'contacts.sort.newest',
  name: 'contacts.sort.name',
  updated: 'contacts.sort.updated',
};

function ContactsTable(props: { items: Contact[] }) {
  const { t, format } = useI18n();
  return (
    <div class="table-wrap">
      <table class="table" data-testid="contacts-table">
        <thead>
          <tr>
            <th scope="col">{t('contacts.name')}</th>
            <th scope="col">{t('contacts.email')}</th>
            <th scope="col">{t('contacts.phone')}</th>
            <th scope="col">{t('contacts.companies')}</th>
            <th scope="col">{t('contacts.roles')}</th>
            <th scope="col">{t('contacts.created')}</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((contact) => (
            <tr key={contact.id} data-testid="contact-row" data-id={contact.id} class="table__row--link" onClick={(event) => {
              if ((event.target as HTMLElement).closest('a')) return;
              navigate(`/contacts/${contact.id}`);
            }}>
              <td>
                <Link href={`/contacts/${contact.id}`}>{contactName(contact)}</Link>
              </td>
              <td>{contact.email}</td>
              <td class="nowrap">{contact.phone}</td>
              <td>
                <CompanyLinks companies={contact.companies} />
              </td>
              <td>
                <RoleBadges roles={contact.roles} />
              </td>
              <td class="nowrap">{formatDate(format, contact.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function NewContactForm(props: { onCancel: () => void }) {
  const { t } = useI18n();
  const [first_name, setFirstName] = useState('');
  const [last_name, setLastName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [roles, setRoles] = useState<string[]>(['customer']);
  const [company_id, setCompanyId] = useState('');
  const [job_title, setJobTitle] = useState('');
  const [companies, setCompanies] = useState<Company[]>([]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [existing, setExisting] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    listCompanies('', null, controller.signal).then(
      (page) => setCompanies(page.items),
      () => setCompanies([]),  // the company choice is optional; the form works without it
    );
    return () => controller.abort();
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setExisting(null);
    setError(null);
    try {
      const created = await createContact({
        first_name: first_name.trim(),
        last_name: last_name.trim(),
        email: email.trim(),
        phone: phone.trim(),
        roles,
        ...(company_id !== '' ? { company_id: Number(company_id), job_title: job_title.trim() } : {}),
      });
      navigate(`/contacts/${created.contact.id}`);
      return;
    } catch (caught) {
      const by_field = fieldErrors(caught);
      if (Object.keys(by_field).length > 0) setErrors(by_field);
      else if (caught instanceof ApiError && caught.status === 409) setExisting(caught.problem?.contact_id ?? 0);
      else setError(caught);
    }
    setBusy(false);
  };

  const input = (id: string, field: string, label: string, value: string, set: (value: string) => void, type = 'text') => (
    <Field id={id} label={label}>
      <input
        id={id}
        name={field}
        class="input"
        type={type}
        value={value}
        aria-invalid={errors[field] ? 'true' : undefined}
        aria-describedby={errors[field] ? `${id}-error` : undefined}
        onInput={(event) => set(inputValue(event))}
      />
      <FieldMessage id={id} message={errors[field]} />
    </Field>
  );

  return (
    <section class="card" aria-labelledby="new-contact-heading">
      <div class="card__header">
        <h2 id="new-contact-heading">{t('contacts.new_heading')}</h2>
      </div>
      {existing !== null && (
        <FormError>
          {t('contacts.exists')}{' '}
          {existing > 0 && (
            <Link href={`/contacts/${existing}`} data-testid="existing-contact">
              {t('contacts.open_existing')}
            </Link>
          )}
        </FormError>
      )}
      {Object.keys(errors).length > 0 && <FormError>{t('contacts.fix_fields')}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      <form class="form form--grid" onSubmit={submit} data-testid="new-contact-form" noValidate>
        {input('new-first-name', 'first_name', t('contacts.first_name'), first_name, setFirstName)}
        {input('new-last-name', 'last_name', t('contacts.last_name'), last_name, setLastName)}
        {input('new-email', 'email', t('contacts.email'), email, setEmail, 'email')}
        {input('new-phone', 'phone', t('contacts.phone'), phone, setPhone, 'tel')}
        <RoleChoice id="new-roles" value={roles} onChange={setRoles} />
        <Field id="new-company" label={t('contacts.company')}>
          <select id="new-company" class="input input--select" value={company_id} onChange={(event) => setCompanyId(inputValue(event))}>
            <option value="">{t('contacts.no_company')}</option>
            {companies.map((company) => (
              <option key={company.id} value={String(company.id)}>
                {company.name}
              </option>
            ))}
          </select>
        </Field>
        {company_id !== '' && input('new-job-title', 'job_title', t('contacts.job_title'), job_title, setJobTitle)}
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>
            {t('contacts.create')}
          </button>
          <button type="button" class="button button--quiet" onClick={props.onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

function ExportLink(props: { filters: ContactFilters }) {
  const { t } = useI18n();
  const [format, setFormat] = useState<string>('csv');
  return (
    <div class="inline-form" data-testid="export">
      <label class="visually-hidden" for="export-format">
        {t('contacts.export_format')}
      </label>
      <select id="export-format" class="input input--select" value={format} onChange={(event) => setFormat(inputValue(event))}>
        {kExportFormats.map((candidate) => (
          <option key={candidate} value={candidate}>
            {candidate.toUpperCase()}
          </option>
        ))}
      </select>
      <a class="button button--quiet" href={exportPath(props.filters, format)} download data-testid="export-link">
        {t('contacts.export')}
      </a>
    </div>
  );
}

export function ContactsPage() {
  const { t } = useI18n();
  const { can } = useSession();
  const [filters, setFilters] = useState<ContactFilters>({ q: '', role: '', sort: 'newest' });
  const [listing, setListing] = useState<Listing>({ kind: 'loading', items: [], next: null });
  const [creating, setCreating] = useState(false);
  const more = useRef<AbortController | null>(null);
  const search = useRef<LatestSearch<ContactFilters, Page<Contact>> | null>(null);
  search.current ??= new LatestSearch<ContactFilters, Page<Contact>>(
    (query, signal) => listContacts(query, null, signal),
    (page) => setListing({ kind: 'ready', items: page.items, next: page.next }),
    (error) => setListing({ kind: 'failed', items: [], next: null, error }),
  );

  useEffect(() => {
    search.current?.request(filters, true);
    return () => {
      search.current?.cancel();
      more.current?.abort();
    };
  }, []);

  const change = (next: ContactFilters, now: boolean) => {
    more.current?.abort();
    setFilters(next);
    setListing((previous) => ({ kind: 'loading', items: previous.items, next: null }));
    search.current?.request(next, now);
  };

  const loadMore = async (next: string) => {
    more.current?.abort();
    const controller = new AbortController();
    more.current = controller;
    const previous = listing.items;
    setListing({ kind: 'loading', items: previous, next });
    try {
      const page = await listContacts(filters, next, controller.signal);
      setListing({ kind: 'ready', items: [...previous, ...page.items], next: page.next });
    } catch (error) {
      if (!isAbort(error)) setListing({ kind: 'failed', items: previous, next, error });
    }
  };

  return (
    <>
      <PageHeading>{t('contacts.title')}</PageHeading>
      <div class="toolbar">
        {can('relationships', 'write') && !creating && (
          <button type="button" class="button" onClick={() => setCreating(true)}>
            {t('contacts.new')}
          </button>
        )}
        {can('relationships', 'admin') && (
          <>
            <Link href="/contacts/import" class="button button--quiet">
              {t('contacts.import')}
            </Link>
            <ExportLink filters={filters} />
          </>
        )}
      </div>
      {creating && <NewContactForm onCancel={() => setCreating(false)} />}
      <section class="card" aria-labelledby="contacts-heading">
        <div class="card__header">
          <h2 id="contacts-heading">{t('contacts.list_heading')}</h2>
        </div>
        <form
          class="form form--grid"
          role="search"
          data-testid="contact-filters"
          onSubmit={(event) => {
            event.preventDefault();
            change(filters, true);
          }}
        >
          <Field id="contact-search" label={t('contacts.search')} hint={t('contacts.search_hint')}>
            <input
              id="contact-search"
              class="input"
              type="search"
              autocomplete="off"
              aria-describedby="contact-search-hint"
              data-testid="contact-search"
              value={filters.q}
              onInput={(event) => change({ ...filters, q: inputValue(event) }, false)}
            />
          </Field>
          <Field id="contact-role" label={t('contacts.role_filter')}>
            <select id="contact-role" class="input input--select" value={filters.role} onChange={(event) => change({ ...filters, role: inputValue(event) }, true)}>
              <option value="">{t('contacts.all_roles')}</option>
              {kContactRoles.map((role) => (
                <option key={role} value={role}>
                  {contactRoleLabel(t, role)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="contact-sort" label={t('contacts.sort')}>
            <select
              id="contact-sort"
              class="input input--select"
              value={filters.sort}
              disabled={filters.q.trim() !== ''}
              onChange={(event) => change({ ...filters, sort: inputValue(event) }, true)}
            >
              {kContactSorts.map((sort) => (
                <option key={sort} value={sort}>
                  {t(kSortKeys[sort] ?? 'contacts.sort.newest')}
                </option>
              ))}
            </select>
          </Field>
        </form>
        {listing.items.length > 0 && <ContactsTable items={listing.items} />}
        {listing.kind === 'ready' && listing.items.length === 0 && (
          <p class="muted" data-testid="contacts-empty">
            {filters.q.trim() === '' && filters.role === '' ? t('contacts.empty') : t('contacts.no_match')}
          </p>
        )}
        {listing.kind === 'loading' && <p class="muted" aria-live="polite">{t('app.loading')}</p>}
        {listing.kind === 'failed' && <ProblemAlert error={listing.error} onRetry={() => change(filters, true)} />}
        {listing.kind === 'ready' && listing.next !== null && (
          <div class="form__actions">
            <button type="button" class="button button--quiet" data-testid="load-more" onClick={() => void loadMore(listing.next as string)}>
              {t('contacts.load_more')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
