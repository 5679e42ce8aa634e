// Companies (/companies): the organisations contacts belong to, with search and "Load more"; people
// who may write add a company (name, roles, website). A company page (/companies/:id) shows its
// facts and its contacts, each opening the client card.
import { useEffect, useState } from 'preact/hooks';
import { isAbort } from '../api/client';
import { contactName, createCompany, fetchCompany, listCompanies, listCompanyContacts, type Company, type Contact, type Page } from '../api/contacts';
import { formatDate, RoleBadges, RoleChoice } from '../components/contact_bits';
import { Field, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { LatestSearch, pathId } from '../contact_logic';
import { useI18n } from '../i18n/context';
import { PageHeading } from '../page_heading';
import { Link, navigate, usePath } from '../router';
import { useSession } from '../session';
import { useResource } from '../use_resource';

function NewCompanyForm(props: { onCancel: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [website, setWebsite] = useState('');
  const [roles, setRoles] = useState<string[]>(['customer']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const company = await createCompany({ name: name.trim(), website: website.trim(), roles });
      navigate(`/companies/${company.id}`);
      return;
    } catch (caught) {
      setError(caught);
    }
    setBusy(false);
  };
  return (
    <section class="card" aria-labelledby="new-company-heading">
      <div class="card__header">
        <h2 id="new-company-heading">{t('companies.new_heading')}</h2>
      </div>
      {error !== null && <ProblemAlert error={error} />}
      <form class="form form--grid" onSubmit={submit} data-testid="new-company-form">
        <Field id="company-name" label={t('companies.name')}>
          <input id="company-name" class="input" required value={name} onInput={(event) => setName(inputValue(event))} />
        </Field>
        <Field id="company-website" label={t('companies.website')}>
          <input id="company-website" class="input" type="url" value={website} onInput={(event) => setWebsite(inputValue(event))} />
        </Field>
        <RoleChoice id="company-roles" value={roles} onChange={setRoles} />
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy}>
            {t('companies.create')}
          </button>
          <button type="button" class="button button--quiet" onClick={props.onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function CompaniesPage() {
  const { t, format } = useI18n();
  const { can } = useSession();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Company[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [search] = useState(
    () =>
      new LatestSearch<string, Page<Company>>(
        (query, signal) => listCompanies(query, null, signal),
        (page) => {
          setItems(page.items);
          setNext(page.next);
          setLoading(false);
        },
        (caught) => {
          setError(caught);
          setLoading(false);
        },
      ),
  );

  useEffect(() => {
    search.request('', true);
    return () => search.cancel();
  }, []);

  const loadMore = async () => {
    if (next === null) return;
    setLoading(true);
    try {
      const page = await listCompanies(q, next);
      setItems([...items, ...page.items]);
      setNext(page.next);
    } catch (caught) {
      if (!isAbort(caught)) setError(caught);
    }
    setLoading(false);
  };

  return (
    <>
      <PageHeading>{t('companies.title')}</PageHeading>
      {can('relationships', 'write') && !creating && (
        <div class="toolbar">
          <button type="button" class="button" onClick={() => setCreating(true)}>
            {t('companies.new')}
          </button>
        </div>
      )}
      {creating && <NewCompanyForm onCancel={() => setCreating(false)} />}
      <section class="card" aria-labelledby="companies-heading">
        <div class="card__header">
          <h2 id="companies-heading">{t('companies.list_heading')}</h2>
        </div>
        <form class="form form--grid" role="search" onSubmit={(event) => event.preventDefault()}>
          <Field id="company-search" label={t('contacts.search')}>
            <input
              id="company-search"
              class="input"
              type="search"
              autocomplete="off"
              value={q}
              onInput={(event) => {
                const value = inputValue(event);
                setQ(value);
                setError(null);
                setLoading(true);
                search.request(value);
              }}
            />
          </Field>
        </form>
        {error !== null && <ProblemAlert error={error} />}
        {items.length > 0 && (
          <div class="table-wrap">
            <table class="table" data-testid="companies-table">
              <thead>
                <tr>
                  <th scope="col">{t('companies.name')}</th>
                  <th scope="col">{t('contacts.roles')}</th>
                  <th scope="col">{t('companies.website')}</th>
                  <th scope="col">{t('contacts.created')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((company) => (
                  <tr key={company.id} data-testid="company-row">
                    <td>
                      <Link href={`/companies/${company.id}`}>{company.name}</Link>
                    </td>
                    <td>
                      <RoleBadges roles={company.roles} />
                    </td>
                    <td>{company.website}</td>
                    <td class="nowrap">{formatDate(format, company.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!loading && items.length === 0 && error === null && <p class="muted">{t('companies.empty')}</p>}
        {loading && <p class="muted">{t('app.loading')}</p>}
        {!loading && next !== null && (
          <div class="form__actions">
            <button type="button" class="button button--quiet" onClick={() => void loadMore()}>
              {t('contacts.load_more')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}

export function CompanyPage() {
  const { t } = useI18n();
  const company_id = pathId(usePath()) ?? 0;
  const [company, reload] = useResource((signal) => fetchCompany(company_id, signal));
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = async (cursor: string | null, previous: Contact[], signal?: AbortSignal) => {
    try {
      const page = await listCompanyContacts(company_id, cursor, signal);
      setContacts([...previous, ...page.items]);
      setNext(page.next);
    } catch (caught) {
      if (!isAbort(caught)) setError(caught);
    }
  };

  useEffect(() => {
    const controller = new AbortController();
    void load(null, [], controller.signal);
    return () => controller.abort();
  }, [company_id]);

  if (company.kind !== 'ready') {
    return (
      <>
        <PageHeading>{t('company.title')}</PageHeading>
        {company.kind === 'failed' ? <ProblemAlert error={company.error} onRetry={reload} /> : <p class="muted">{t('app.loading')}</p>}
      </>
    );
  }
  const value = company.value;
  return (
    <>
      <p class="breadcrumb small">
        <Link href="/companies">{t('nav.companies')}</Link> / {t('company.title')}
      </p>
      <PageHeading>{value.name}</PageHeading>
      <div class="card-header">
        <RoleBadges roles={value.roles} />
      </div>
      <dl class="facts">
        <div class="facts__row">
          <dt>{t('companies.website')}</dt>
          <dd>{value.website || '—'}</dd>
        </div>
        <div class="facts__row">
          <dt>{t('contacts.email')}</dt>
          <dd>{value.email || '—'}</dd>
        </div>
        <div class="facts__row">
          <dt>{t('contacts.phone')}</dt>
          <dd>{value.phone || '—'}</dd>
        </div>
        <div class="facts__row">
          <dt>{t('company.contact_count')}</dt>
          <dd>{value.contact_count}</dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="company-contacts-heading">
        <div class="card__header">
          <h2 id="company-contacts-heading">{t('company.contacts')}</h2>
        </div>
        {error !== null && <ProblemAlert error={error} />}
        {contacts.length === 0 ? (
          <p class="muted">{t('company.no_contacts')}</p>
        ) : (
          <ul class="plain-list">
            {contacts.map((contact) => (
              <li key={contact.id} class="plain-list__item" data-testid="company-contact">
                <Link href={`/contacts/${contact.id}`}>{contactName(contact)}</Link>
                <span class="muted small">{contact.companies.find((link) => link.company_id === company_id)?.job_title ?? ''}</span>
                <span class="muted small">{contact.email}</span>
              </li>
            ))}
          </ul>
        )}
        {next !== null && (
          <div class="form__actions">
            <button type="button" class="button button--quiet" onClick={() => void load(next, contacts)}>
              {t('contacts.load_more')}
            </button>
          </div>
        )}
      </section>
    </>
  );
}
