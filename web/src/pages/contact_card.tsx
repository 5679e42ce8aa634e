// The client card (/contacts/:id): one page telling everything about one relationship. The header
// shows the name, roles, companies, owner, e-mail and phone; "Edit profile" opens every editable
// field (custom fields from GET /custom-fields included). Panels: interests (from the taxonomy,
// with source and strength), consents per channel and purpose (grant/withdraw asks how and with
// what proof; the history expands), open tasks, notes, the timeline (newest first, by kind, "Load
// more"), merges (Undo for those allowed to merge) and, with `loyalty: read`, the loyalty panel
// (components/loyalty_panel.tsx; not on a merged contact, whose points went to the survivor).
// A merged contact says where it went.
// After any change the card is fetched again without blanking the page, so it shows what the
// server stored.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { listUsers, type User } from '../api/access';
import { isAbort } from '../api/client';
import {
  addNote,
  addTask,
  contactName,
  deleteNote,
  editNote,
  fetchCard,
  fetchConsents,
  fetchCustomFields,
  fetchTaxonomy,
  fetchTimeline,
  kConsentChannels,
  kConsentPurposes,
  kInterestSources,
  recordConsent,
  removeInterest,
  setInterest,
  undoMerge,
  updateContact,
  updateTask,
  type Card,
  type Consent,
  type Contact,
  type ContactInput,
  type ContactInterest,
  type CustomField,
  type InterestCategory,
  type Merge,
  type Note,
  type Task,
  type TimelineEvent,
} from '../api/contacts';
import { CompanyLinks, FieldMessage, fieldErrors, formatDate, formatDay, RoleBadges, RoleChoice } from '../components/contact_bits';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { LoyaltyPanel } from '../components/loyalty_panel';
import { ProblemAlert } from '../components/problem_alert';
import { StatusBadge } from '../components/status_badge';
import { dueAtFromDate, pathId } from '../contact_logic';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { PageHeading } from '../page_heading';
import { Link, usePath } from '../router';
import { useSession } from '../session';

// --- Header and profile

function Facts(props: { contact: Contact }) {
  const { t } = useI18n();
  const { contact } = props;
  return (
    <dl class="facts facts--text" data-testid="card-facts">
      <div class="facts__row">
        <dt>{t('contacts.email')}</dt>
        <dd data-testid="card-email">{contact.email || '—'}</dd>
      </div>
      <div class="facts__row">
        <dt>{t('contacts.phone')}</dt>
        <dd>{contact.phone || '—'}</dd>
      </div>
      <div class="facts__row">
        <dt>{t('contacts.companies')}</dt>
        <dd>{contact.companies.length > 0 ? <CompanyLinks companies={contact.companies} /> : '—'}</dd>
      </div>
      <div class="facts__row">
        <dt>{t('card.owner')}</dt>
        <dd>{contact.owner_id !== null ? t('card.user_id', { id: contact.owner_id }) : '—'}</dd>
      </div>
    </dl>
  );
}

interface ProfileDraft {
  first_name: string;
  last_name: string;
  email: string;
  other_emails: string;
  phone: string;
  other_phones: string;
  line1: string;
  line2: string;
  city: string;
  region: string;
  postal_code: string;
  country_code: string;
  birthday: string;
  gender: string;
  locale: string;
  time_zone: string;
  source: string;
  owner_id: string;
  external_id: string;
  roles: string[];
  custom: Record<string, string>;
}

function draftOf(contact: Contact): ProfileDraft {
  return {
    first_name: contact.first_name,
    last_name: contact.last_name,
    email: contact.email,
    other_emails: contact.other_emails.join(', '),
    phone: contact.phone,
    other_phones: contact.other_phones.join(', '),
    ...contact.address,
    birthday: contact.birthday ?? '',
    gender: contact.gender ?? '',
    locale: contact.locale,
    time_zone: contact.time_zone,
    source: contact.source,
    owner_id: contact.owner_id === null ? '' : String(contact.owner_id),
    external_id: contact.external_id,
    roles: contact.roles,
    custom: { ...contact.custom },
  };
}

function splitList(value: string): string[] {
  return value
    .split(/[,;\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function inputOf(draft: ProfileDraft, fields: readonly CustomField[]): ContactInput {
  const custom: Record<string, string | null> = {};
  for (const field of fields) custom[field.key] = (draft.custom[field.key] ?? '').trim();
  const owner = draft.owner_id.trim();
  return {
    first_name: draft.first_name.trim(),
    last_name: draft.last_name.trim(),
    email: draft.email.trim(),
    other_emails: splitList(draft.other_emails),
    phone: draft.phone.trim(),
    other_phones: splitList(draft.other_phones),
    address: {
      line1: draft.line1.trim(),
      line2: draft.line2.trim(),
      city: draft.city.trim(),
      region: draft.region.trim(),
      postal_code: draft.postal_code.trim(),
      country_code: draft.country_code.trim().toUpperCase(),
    },
    birthday: draft.birthday === '' ? null : draft.birthday,
    gender: draft.gender === '' ? null : draft.gender,
    locale: draft.locale.trim(),
    time_zone: draft.time_zone.trim(),
    source: draft.source.trim(),
    owner_id: owner === '' ? null : Number(owner),
    external_id: draft.external_id.trim(),
    roles: draft.roles,
    ...(fields.length > 0 ? { custom } : {}),
  };
}

const kGenders = ['female', 'male', 'other'] as const;
const kGenderKeys: Readonly<Record<string, MessageKey>> = {
  female: 'card.gender.female',
  male: 'card.gender.male',
  other: 'card.gender.other',
};

function ProfileForm(props: { contact: Contact; onSaved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<ProfileDraft>(() => draftOf(props.contact));
  const [fields, setFields] = useState<CustomField[]>([]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchCustomFields(controller.signal).then(
      (items) => setFields(items.filter((field) => field.applies_to === 'contact')),
      (caught: unknown) => {
        if (!isAbort(caught)) setFields([]);
      },
    );
    return () => controller.abort();
  }, []);

  const set = (key: keyof ProfileDraft) => (event: Event) => setDraft({ ...draft, [key]: inputValue(event) });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      await updateContact(props.contact.id, inputOf(draft, fields));
      setBusy(false);
      props.onSaved();
      return;
    } catch (caught) {
      const by_field = fieldErrors(caught);
      if (Object.keys(by_field).length > 0) setErrors(by_field);
      else setError(caught);
    }
    setBusy(false);
  };

  const text = (key: keyof ProfileDraft, label: string, options: { type?: string; field?: string; hint?: string } = {}) => {
    const id = `profile-${key}`;
    const field = options.field ?? key;
    const described = [options.hint ? `${id}-hint` : '', errors[field] ? `${id}-error` : ''].filter((part) => part !== '').join(' ');
    return (
      <Field id={id} label={label} hint={options.hint}>
        <input
          id={id}
          name={key}
          class="input"
          type={options.type ?? 'text'}
          value={draft[key] as string}
          aria-invalid={errors[field] ? 'true' : undefined}
          aria-describedby={described === '' ? undefined : described}
          onInput={set(key)}
        />
        <FieldMessage id={id} message={errors[field]} />
      </Field>
    );
  };

  return (
    <form class="form form--grid" onSubmit={submit} data-testid="profile-form" noValidate>
      {Object.keys(errors).length > 0 && <FormError>{t('contacts.fix_fields')}</FormError>}
      {error !== null && <ProblemAlert error={error} />}
      {text('first_name', t('contacts.first_name'))}
      {text('last_name', t('contacts.last_name'))}
      {text('email', t('contacts.email'), { type: 'email' })}
      {text('other_emails', t('card.other_emails'), { hint: t('card.list_hint') })}
      {text('phone', t('contacts.phone'), { type: 'tel' })}
      {text('other_phones', t('card.other_phones'), { hint: t('card.list_hint') })}
      {text('birthday', t('card.birthday'), { type: 'date' })}
      <Field id="profile-gender" label={t('card.gender')}>
        <select id="profile-gender" class="input input--select" value={draft.gender} onChange={set('gender')}>
          <option value="">{t('card.not_set')}</option>
          {kGenders.map((gender) => (
            <option key={gender} value={gender}>
              {t(kGenderKeys[gender] ?? 'card.gender.other')}
            </option>
          ))}
        </select>
      </Field>
      {text('locale', t('card.language'), { hint: t('card.language_hint') })}
      {text('time_zone', t('card.time_zone'), { hint: t('card.time_zone_hint') })}
      {text('line1', t('card.address_line1'), { field: 'address.line1' })}
      {text('line2', t('card.address_line2'), { field: 'address.line2' })}
      {text('city', t('card.city'), { field: 'address.city' })}
      {text('region', t('card.region'), { field: 'address.region' })}
      {text('postal_code', t('card.postal_code'), { field: 'address.postal_code' })}
      {text('country_code', t('card.country_code'), { field: 'address.country_code', hint: t('card.country_hint') })}
      {text('source', t('card.source'))}
      {text('owner_id', t('card.owner_id'), { type: 'number' })}
      {text('external_id', t('card.external_id'))}
      <RoleChoice id="profile-roles" value={draft.roles} onChange={(roles) => setDraft({ ...draft, roles })} />
      {fields.map((field) => {
        const id = `profile-custom-${field.key}`;
        const value = draft.custom[field.key] ?? '';
        const update = (event: Event) => setDraft({ ...draft, custom: { ...draft.custom, [field.key]: inputValue(event) } });
        const message = errors[`custom.${field.key}`] ?? errors[field.key];
        return (
          <Field key={field.key} id={id} label={field.label || field.key}>
            {field.type === 'choice' ? (
              <select id={id} class="input input--select" value={value} required={field.required} onChange={update}>
                <option value="">{t('card.not_set')}</option>
                {field.choices.map((choice) => (
                  <option key={choice} value={choice}>
                    {choice}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                class="input"
                type={field.type === 'number' ? 'number' : field.type === 'date' ? 'date' : 'text'}
                step={field.type === 'number' ? 'any' : undefined}
                required={field.required}
                value={value}
                onInput={update}
              />
            )}
            <FieldMessage id={id} message={message} />
          </Field>
        );
      })}
      <div class="form__actions">
        <button type="submit" class="button" disabled={busy}>
          {t('card.save_profile')}
        </button>
        <button type="button" class="button button--quiet" onClick={props.onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

// --- Panels

function Panel(props: { id: string; title: string; children: preact.ComponentChildren; actions?: preact.ComponentChildren }) {
  return (
    <section class="card" aria-labelledby={`${props.id}-heading`} data-testid={props.id}>
      <div class="card__header">
        <h2 id={`${props.id}-heading`}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

// Runs a change, reports its failure next to the panel and refreshes the card after success.
function useAction(onChanged: () => void): [(work: () => Promise<unknown>) => Promise<boolean>, unknown, boolean] {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    async (work: () => Promise<unknown>) => {
      setError(null);
      setBusy(true);
      try {
        await work();
        setBusy(false);
        onChanged();
        return true;
      } catch (caught) {
        setError(caught);
        setBusy(false);
        return false;
      }
    },
    [onChanged],
  );
  return [run, error, busy];
}

const kSourceKeys: Readonly<Record<string, MessageKey>> = {
  declared: 'interest.source.declared',
  purchase: 'interest.source.purchase',
  survey: 'interest.source.survey',
  campaign_click: 'interest.source.campaign_click',
};

function InterestsPanel(props: { contact_id: number; interests: ContactInterest[]; writable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [taxonomy, setTaxonomy] = useState<InterestCategory[]>([]);
  const [interest, setInterestKey] = useState('');
  const [source, setSource] = useState<string>('declared');
  const [strength, setStrength] = useState('50');
  const [run, error, busy] = useAction(props.onChanged);

  useEffect(() => {
    if (!props.writable) return;
    const controller = new AbortController();
    fetchTaxonomy(controller.signal).then(setTaxonomy, () => setTaxonomy([]));
    return () => controller.abort();
  }, [props.writable]);

  return (
    <Panel id="interests-panel" title={t('card.interests')}>
      {error !== null && <ProblemAlert error={error} />}
      {props.interests.length === 0 ? (
        <p class="muted">{t('card.no_interests')}</p>
      ) : (
        <ul class="plain-list">
          {props.interests.map((item) => (
            <li key={`${item.interest}:${item.source}`} class="plain-list__item" data-testid="interest" data-interest={item.interest}>
              <span>
                <strong>{item.name || item.interest}</strong>
                {item.category !== '' && <span class="muted small"> · {item.category}</span>}
              </span>
              <span class="muted small">
                {t(kSourceKeys[item.source] ?? 'interest.source.declared')} · {t('card.strength_value', { strength: item.strength })}
              </span>
              {props.writable && (
                <button
                  type="button"
                  class="button button--quiet"
                  disabled={busy}
                  aria-label={t('card.remove_interest', { name: item.name || item.interest })}
                  onClick={() => void run(() => removeInterest(props.contact_id, item.interest, item.source))}
                >
                  {t('card.remove')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.writable && (
        <form
          class="inline-form"
          data-testid="add-interest"
          onSubmit={(event) => {
            event.preventDefault();
            if (interest === '') return;
            void run(() => setInterest(props.contact_id, interest, source, Math.min(100, Math.max(1, Number(strength) || 1))));
          }}
        >
          <label class="visually-hidden" for="interest-choice">
            {t('card.interest')}
          </label>
          <select id="interest-choice" class="input input--select" value={interest} onChange={(event) => setInterestKey(inputValue(event))}>
            <option value="">{t('card.choose_interest')}</option>
            {taxonomy.map((category) => (
              <optgroup key={category.key} label={category.name || category.key}>
                {category.interests.map((candidate) => (
                  <option key={candidate.key} value={candidate.key}>
                    {candidate.name || candidate.key}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
          <label class="visually-hidden" for="interest-source">
            {t('card.source')}
          </label>
          <select id="interest-source" class="input input--select" value={source} onChange={(event) => setSource(inputValue(event))}>
            {kInterestSources.map((candidate) => (
              <option key={candidate} value={candidate}>
                {t(kSourceKeys[candidate] ?? 'interest.source.declared')}
              </option>
            ))}
          </select>
          <label for="interest-strength" class="small">
            {t('card.strength')}
          </label>
          <input id="interest-strength" class="input input--short" type="number" min={1} max={100} value={strength} onInput={(event) => setStrength(inputValue(event))} />
          <button type="submit" class="button" disabled={busy || interest === ''}>
            {t('card.add_interest')}
          </button>
        </form>
      )}
    </Panel>
  );
}

const kChannelKeys: Readonly<Record<string, MessageKey>> = {
  email: 'consent.channel.email',
  sms: 'consent.channel.sms',
  phone: 'consent.channel.phone',
  post: 'consent.channel.post',
  any: 'consent.channel.any',
};
const kPurposeKeys: Readonly<Record<string, MessageKey>> = {
  marketing: 'consent.purpose.marketing',
  profiling: 'consent.purpose.profiling',
  service: 'consent.purpose.service',
};

function ConsentForm(props: {
  channel: string;
  purpose: string;
  status: 'granted' | 'withdrawn';
  choose: boolean;
  busy: boolean;
  onSubmit: (channel: string, purpose: string, method: string, proof: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [channel, setChannel] = useState(props.channel);
  const [purpose, setPurpose] = useState(props.purpose);
  const [method, setMethod] = useState('');
  const [proof, setProof] = useState('');
  return (
    <form
      class="form form--grid consent-form"
      data-testid="consent-form"
      onSubmit={(event) => {
        event.preventDefault();
        props.onSubmit(channel, purpose, method.trim(), proof.trim());
      }}
    >
      {props.choose && (
        <>
          <Field id="consent-channel" label={t('consent.channel')}>
            <select id="consent-channel" class="input input--select" value={channel} onChange={(event) => setChannel(inputValue(event))}>
              {kConsentChannels.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {t(kChannelKeys[candidate] ?? 'consent.channel.any')}
                </option>
              ))}
            </select>
          </Field>
          <Field id="consent-purpose" label={t('consent.purpose')}>
            <select id="consent-purpose" class="input input--select" value={purpose} onChange={(event) => setPurpose(inputValue(event))}>
              {kConsentPurposes.map((candidate) => (
                <option key={candidate} value={candidate}>
                  {t(kPurposeKeys[candidate] ?? 'consent.purpose.marketing')}
                </option>
              ))}
            </select>
          </Field>
        </>
      )}
      <Field id="consent-method" label={t('consent.method')} hint={t('consent.method_hint')}>
        <input id="consent-method" class="input" required value={method} onInput={(event) => setMethod(inputValue(event))} />
      </Field>
      <Field id="consent-proof" label={t('consent.proof')} hint={t('consent.proof_hint')}>
        <input id="consent-proof" class="input" value={proof} onInput={(event) => setProof(inputValue(event))} />
      </Field>
      <div class="form__actions">
        <button type="submit" class={props.status === 'granted' ? 'button' : 'button button--danger'} disabled={props.busy}>
          {t(props.status === 'granted' ? 'consent.grant' : 'consent.withdraw')}
        </button>
        <button type="button" class="button button--quiet" onClick={props.onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}

function ConsentRows(props: { items: Consent[]; actions?: (consent: Consent) => preact.ComponentChildren }) {
  const { t, format } = useI18n();
  return (
    <div class="table-wrap">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('consent.channel')}</th>
            <th scope="col">{t('consent.purpose')}</th>
            <th scope="col">{t('consent.status')}</th>
            <th scope="col">{t('consent.recorded')}</th>
            <th scope="col">{t('consent.method')}</th>
            <th scope="col">{t('consent.proof')}</th>
            {props.actions && <th scope="col">{t('users.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {props.items.map((consent, index) => (
            <tr key={`${consent.id}-${index}`} data-testid="consent-row" data-channel={consent.channel} data-purpose={consent.purpose} data-status={consent.status}>
              <td>{t(kChannelKeys[consent.channel] ?? 'consent.channel.any')}</td>
              <td>{t(kPurposeKeys[consent.purpose] ?? 'consent.purpose.marketing')}</td>
              <td>
                <StatusBadge tone={consent.status === 'granted' ? 'ok' : 'bad'} label={t(consent.status === 'granted' ? 'consent.granted' : 'consent.withdrawn')} />
              </td>
              <td class="nowrap">{formatDate(format, consent.recorded_at)}</td>
              <td>{consent.method}</td>
              <td class="table__details">{consent.proof}</td>
              {props.actions && <td class="table__actions">{props.actions(consent)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ConsentsPanel(props: { contact_id: number; consents: Consent[]; writable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ channel: string; purpose: string; status: 'granted' | 'withdrawn'; choose: boolean } | null>(null);
  const [history, setHistory] = useState<Consent[] | null>(null);
  const [history_error, setHistoryError] = useState<unknown>(null);
  const [run, error, busy] = useAction(props.onChanged);

  const loadHistory = async () => {
    setHistoryError(null);
    try {
      setHistory((await fetchConsents(props.contact_id)).history);
    } catch (caught) {
      setHistoryError(caught);
    }
  };

  return (
    <Panel
      id="consents-panel"
      title={t('card.consents')}
      actions={
        props.writable &&
        editing === null && (
          <button type="button" class="button button--quiet" onClick={() => setEditing({ channel: 'email', purpose: 'marketing', status: 'granted', choose: true })}>
            {t('consent.record')}
          </button>
        )
      }
    >
      {error !== null && <ProblemAlert error={error} />}
      {editing !== null && (
        <ConsentForm
          {...editing}
          busy={busy}
          onCancel={() => setEditing(null)}
          onSubmit={(channel, purpose, method, proof) =>
            void run(() => recordConsent(props.contact_id, { channel, purpose, status: editing.status, method, proof })).then((done) => {
              if (done) {
                setEditing(null);
                if (history !== null) void loadHistory();
              }
            })
          }
        />
      )}
      {props.consents.length === 0 ? (
        <p class="muted">{t('card.no_consents')}</p>
      ) : (
        <ConsentRows
          items={props.consents}
          {...(props.writable
            ? {
                actions: (consent: Consent) => (
                  <button
                    type="button"
                    class="button button--quiet"
                    onClick={() =>
                      setEditing({ channel: consent.channel, purpose: consent.purpose, status: consent.status === 'granted' ? 'withdrawn' : 'granted', choose: false })
                    }
                  >
                    {t(consent.status === 'granted' ? 'consent.withdraw' : 'consent.grant')}
                  </button>
                ),
              }
            : {})}
        />
      )}
      <details
        class="history"
        onToggle={(event) => {
          if ((event.currentTarget as HTMLDetailsElement).open && history === null) void loadHistory();
        }}
      >
        <summary>{t('consent.history')}</summary>
        {history_error !== null && <ProblemAlert error={history_error} />}
        {history === null && history_error === null && <p class="muted">{t('app.loading')}</p>}
        {history !== null && history.length === 0 && <p class="muted">{t('card.no_consents')}</p>}
        {history !== null && history.length > 0 && <ConsentRows items={history} />}
      </details>
    </Panel>
  );
}

function TasksPanel(props: { contact_id: number; tasks: Task[]; writable: boolean; own_id: number | null; onChanged: () => void }) {
  const { t, format } = useI18n();
  const { can } = useSession();
  const [title, setTitle] = useState('');
  const [assignee, setAssignee] = useState(props.own_id === null ? '' : String(props.own_id));
  const [due, setDue] = useState('');
  const [users, setUsers] = useState<User[]>([]);
  const [run, error, busy] = useAction(props.onChanged);
  const read_users = can('users', 'read');

  useEffect(() => {
    if (!props.writable || !read_users) return;
    const controller = new AbortController();
    listUsers(controller.signal).then(setUsers, () => setUsers([]));
    return () => controller.abort();
  }, [props.writable, read_users]);

  const userName = (id: number | null) => {
    if (id === null) return t('task.unassigned');
    if (id === props.own_id) return t('task.me');
    const user = users.find((candidate) => candidate.id === id);
    return user ? user.display_name || user.email : t('card.user_id', { id });
  };

  return (
    <Panel id="tasks-panel" title={t('card.tasks')}>
      {error !== null && <ProblemAlert error={error} />}
      {props.tasks.length === 0 ? (
        <p class="muted">{t('card.no_tasks')}</p>
      ) : (
        <ul class="plain-list">
          {props.tasks.map((task) => (
            <li key={task.id} class="plain-list__item" data-testid="task" data-done={task.done ? 'true' : 'false'}>
              <label class="choice__option">
                <input
                  type="checkbox"
                  checked={task.done}
                  disabled={!props.writable || busy}
                  onChange={(event) => {
                    const done = (event.currentTarget as HTMLInputElement).checked;
                    void run(() => updateTask(task.id, { done }));
                  }}
                />{' '}
                <span class="task__title">{task.title}</span>
              </label>
              <span class="muted small">
                {userName(task.assignee_id)}
                {task.due_at !== null && ` · ${t('task.due', { date: formatDay(format, task.due_at) })}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      {props.writable && (
        <form
          class="form form--grid"
          data-testid="add-task"
          onSubmit={(event) => {
            event.preventDefault();
            if (title.trim() === '') return;
            void run(() =>
              addTask(props.contact_id, { title: title.trim(), details: '', assignee_id: assignee === '' ? null : Number(assignee), due_at: dueAtFromDate(due) }),
            ).then((done) => {
              if (done) {
                setTitle('');
                setDue('');
              }
            });
          }}
        >
          <Field id="task-title" label={t('task.title')}>
            <input id="task-title" class="input" required value={title} onInput={(event) => setTitle(inputValue(event))} />
          </Field>
          <Field id="task-assignee" label={t('task.assignee')}>
            <select id="task-assignee" class="input input--select" value={assignee} onChange={(event) => setAssignee(inputValue(event))}>
              <option value="">{t('task.unassigned')}</option>
              {props.own_id !== null && <option value={String(props.own_id)}>{t('task.me')}</option>}
              {users
                .filter((user) => user.id !== props.own_id && !user.disabled)
                .map((user) => (
                  <option key={user.id} value={String(user.id)}>
                    {user.display_name || user.email}
                  </option>
                ))}
            </select>
          </Field>
          <Field id="task-due" label={t('task.due_date')}>
            <input id="task-due" class="input" type="date" value={due} onInput={(event) => setDue(inputValue(event))} />
          </Field>
          <div class="form__actions">
            <button type="submit" class="button" disabled={busy}>
              {t('task.add')}
            </button>
          </div>
        </form>
      )}
    </Panel>
  );
}

function NoteItem(props: { note: Note; writable: boolean; run: (work: () => Promise<unknown>) => Promise<boolean>; busy: boolean }) {
  const { t, format } = useI18n();
  const { note } = props;
  const [editing, setEditing] = useState(false);
  const [body, setBody] = useState(note.body);
  const [confirming, setConfirming] = useState(false);
  const id = `note-edit-${note.id}`;
  return (
    <li class="note" data-testid="note" data-id={note.id}>
      {editing ? (
        <form
          class="form"
          onSubmit={(event) => {
            event.preventDefault();
            void props.run(() => editNote(note.id, body.trim())).then((done) => done && setEditing(false));
          }}
        >
          <label class="visually-hidden" for={id}>
            {t('note.body')}
          </label>
          <textarea id={id} class="input textarea" required value={body} onInput={(event) => setBody((event.currentTarget as HTMLTextAreaElement).value)} />
          <div class="form__actions">
            <button type="submit" class="button" disabled={props.busy}>
              {t('note.save')}
            </button>
            <button type="button" class="button button--quiet" onClick={() => setEditing(false)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <p class="note__body">{note.body}</p>
      )}
      <p class="muted small note__meta">
        {note.author} · {formatDate(format, note.created_at)}
        {note.updated_at !== '' && note.updated_at !== note.created_at && ` · ${t('note.edited')}`}
      </p>
      {props.writable && !editing && (
        <div class="confirm">
          {confirming ? (
            <>
              <span>{t('note.delete_confirm')}</span>
              <button type="button" class="button button--danger" disabled={props.busy} onClick={() => void props.run(() => deleteNote(note.id))}>
                {t('note.delete_yes')}
              </button>
              <button type="button" class="button button--quiet" onClick={() => setConfirming(false)}>
                {t('app.cancel')}
              </button>
            </>
          ) : (
            <>
              <button type="button" class="button button--quiet" onClick={() => setEditing(true)}>
                {t('note.edit')}
              </button>
              <button type="button" class="button button--quiet" onClick={() => setConfirming(true)}>
                {t('note.delete')}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

function NotesPanel(props: { contact_id: number; notes: Note[]; writable: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [run, error, busy] = useAction(props.onChanged);
  return (
    <Panel id="notes-panel" title={t('card.notes')}>
      {error !== null && <ProblemAlert error={error} />}
      {props.writable && (
        <form
          class="form"
          data-testid="add-note"
          onSubmit={(event) => {
            event.preventDefault();
            if (body.trim() === '') return;
            void run(() => addNote(props.contact_id, body.trim())).then((done) => done && setBody(''));
          }}
        >
          <Field id="note-body" label={t('note.new')}>
            <textarea id="note-body" class="input textarea" required value={body} onInput={(event) => setBody((event.currentTarget as HTMLTextAreaElement).value)} />
          </Field>
          <div class="form__actions">
            <button type="submit" class="button" disabled={busy}>
              {t('note.add')}
            </button>
          </div>
        </form>
      )}
      {props.notes.length === 0 ? (
        <p class="muted">{t('card.no_notes')}</p>
      ) : (
        <ul class="notes">
          {props.notes.map((note) => (
            <NoteItem key={`${note.id}:${note.updated_at}`} note={note} writable={props.writable} run={run} busy={busy} />
          ))}
        </ul>
      )}
    </Panel>
  );
}

function payloadText(payload: Record<string, unknown>): string {
  return Object.keys(payload).length === 0 ? '' : JSON.stringify(payload);
}

function TimelinePanel(props: { contact_id: number; first: { items: TimelineEvent[]; next: string | null } }) {
  const { t, format } = useI18n();
  const [kind, setKind] = useState('');
  const [items, setItems] = useState(props.first.items);
  const [next, setNext] = useState(props.first.next);
  const [known_kinds, setKnownKinds] = useState<string[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setKnownKinds((previous) => [...new Set([...previous, ...props.first.items.map((event) => event.kind)])].sort());
  }, [props.first]);

  useEffect(() => {
    if (kind === '') {
      setItems(props.first.items);
      setNext(props.first.next);
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    fetchTimeline(props.contact_id, [kind], null, controller.signal).then(
      (page) => {
        setItems(page.items);
        setNext(page.next);
        setLoading(false);
      },
      (caught: unknown) => {
        if (isAbort(caught)) return;
        setError(caught);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [kind, props.first]);

  const loadMore = async () => {
    if (next === null) return;
    setLoading(true);
    setError(null);
    try {
      const page = await fetchTimeline(props.contact_id, kind === '' ? [] : [kind], next);
      setItems([...items, ...page.items]);
      setNext(page.next);
      setKnownKinds((previous) => [...new Set([...previous, ...page.items.map((event) => event.kind)])].sort());
    } catch (caught) {
      setError(caught);
    }
    setLoading(false);
  };

  return (
    <Panel
      id="timeline-panel"
      title={t('card.timeline')}
      actions={
        <span class="inline-form">
          <label for="timeline-kind" class="small">
            {t('timeline.kind')}
          </label>
          <select id="timeline-kind" class="input input--select" value={kind} onChange={(event) => setKind(inputValue(event))}>
            <option value="">{t('timeline.all')}</option>
            {known_kinds.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </span>
      }
    >
      {error !== null && <ProblemAlert error={error} />}
      {items.length === 0 && !loading && <p class="muted">{t('timeline.empty')}</p>}
      {items.length > 0 && (
        <ol class="timeline" data-testid="timeline">
          {items.map((event) => (
            <li key={event.sequence} class="timeline__item" data-testid="timeline-event" data-kind={event.kind}>
              <span class="timeline__time nowrap">{formatDate(format, event.occurred_at)}</span>
              <code class="timeline__kind">{event.kind}</code>
              <span class="muted small">{event.actor}</span>
              {event.subject_type === 'contact' && event.subject_id !== props.contact_id && event.subject_id !== null && (
                <span class="muted small">{t('timeline.from_contact', { id: event.subject_id })}</span>
              )}
              <span class="table__details">{payloadText(event.payload)}</span>
            </li>
          ))}
        </ol>
      )}
      {loading && <p class="muted">{t('app.loading')}</p>}
      {!loading && next !== null && (
        <div class="form__actions">
          <button type="button" class="button button--quiet" data-testid="timeline-more" onClick={() => void loadMore()}>
            {t('contacts.load_more')}
          </button>
        </div>
      )}
    </Panel>
  );
}

function MergesPanel(props: { contact_id: number; merges: Merge[]; can_undo: boolean; onChanged: () => void }) {
  const { t, format } = useI18n();
  const [run, error, busy] = useAction(props.onChanged);
  const [notice, setNotice] = useState<string | null>(null);
  if (props.merges.length === 0) return null;
  return (
    <Panel id="merges-panel" title={t('card.merges')}>
      {error !== null && <ProblemAlert error={error} />}
      {notice !== null && <Notice testid="merge-notice">{notice}</Notice>}
      <ul class="plain-list">
        {props.merges.map((merge) => (
          <li key={merge.id} class="plain-list__item" data-testid="merge" data-undone={merge.undone_at !== null ? 'true' : 'false'}>
            <span>
              {t('merge.line', { merged: merge.merged_id, survivor: merge.survivor_id })}{' '}
              <Link href={`/contacts/${merge.merged_id === props.contact_id ? merge.survivor_id : merge.merged_id}`}>
                #{merge.merged_id === props.contact_id ? merge.survivor_id : merge.merged_id}
              </Link>
            </span>
            <span class="muted small">
              {merge.actor} · {formatDate(format, merge.merged_at)}
              {merge.undone_at !== null && ` · ${t('merge.undone_at', { time: formatDate(format, merge.undone_at) })}`}
            </span>
            {props.can_undo && merge.undone_at === null && (
              <button
                type="button"
                class="button button--quiet"
                disabled={busy}
                onClick={() => void run(() => undoMerge(merge.id)).then((done) => done && setNotice(t('merge.undone', { id: merge.merged_id })))}
              >
                {t('merge.undo')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </Panel>
  );
}

// --- The page

export function ContactCardPage() {
  const { t } = useI18n();
  const { can, state } = useSession();
  const path = usePath();
  const contact_id = pathId(path);
  const own_id = state.kind === 'signed_in' ? (state.session.user?.id ?? null) : null;
  const [card, setCard] = useState<Card | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (contact_id === null) return;
    const controller = new AbortController();
    fetchCard(contact_id, controller.signal).then(
      (value) => {
        setCard(value);
        setError(null);
      },
      (caught: unknown) => {
        if (!isAbort(caught)) setError(caught);
      },
    );
    return () => controller.abort();
  }, [contact_id, generation]);

  const refresh = useCallback(() => setGeneration((value) => value + 1), []);

  if (contact_id === null) return <PageHeading>{t('card.title')}</PageHeading>;
  if (card === null) {
    return (
      <>
        <PageHeading>{t('card.title')}</PageHeading>
        {error !== null ? <ProblemAlert error={error} onRetry={refresh} /> : <p class="muted">{t('app.loading')}</p>}
      </>
    );
  }
  const { contact } = card;
  const writable = can('relationships', 'write') && contact.merged_into === null;
  const title = contactName(contact);
  return (
    <>
      <p class="breadcrumb small">
        <Link href="/contacts">{t('nav.contacts')}</Link> / {t('card.title')}
      </p>
      <PageHeading>
        <span data-testid="card-name">{title}</span>
      </PageHeading>
      <div class="card-header">
        <RoleBadges roles={contact.roles} />
        {contact.external_id !== '' && <span class="muted small">{t('card.external_id')}: {contact.external_id}</span>}
      </div>
      {error !== null && <ProblemAlert error={error} onRetry={refresh} />}
      {contact.merged_into !== null && (
        <p class="notice notice--warning" role="status" data-testid="merged-into">
          {t('card.merged_into', { id: contact.merged_into })}{' '}
          <Link href={`/contacts/${contact.merged_into}`}>{t('card.open_survivor')}</Link>
        </p>
      )}
      {saved && <Notice testid="profile-saved">{t('card.saved')}</Notice>}
      <section class="card" aria-labelledby="profile-heading" data-testid="profile-panel">
        <div class="card__header">
          <h2 id="profile-heading">{t('card.profile')}</h2>
          {writable && !editing && (
            <button type="button" class="button button--quiet" onClick={() => { setSaved(false); setEditing(true); }}>
              {t('card.edit_profile')}
            </button>
          )}
        </div>
        {editing ? (
          <ProfileForm
            contact={contact}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              setSaved(true);
              refresh();
            }}
          />
        ) : (
          <Facts contact={contact} />
        )}
      </section>
      <div class="card-grid">
        <TasksPanel contact_id={contact.id} tasks={card.tasks} writable={writable} own_id={own_id} onChanged={refresh} />
        <NotesPanel contact_id={contact.id} notes={card.notes} writable={writable} onChanged={refresh} />
        <InterestsPanel contact_id={contact.id} interests={card.interests} writable={writable} onChanged={refresh} />
        <ConsentsPanel contact_id={contact.id} consents={card.consents} writable={writable} onChanged={refresh} />
      </div>
      {/* A merged contact's points live on the survivor's card (the API refuses the merged id). */}
      {can('loyalty', 'read') && contact.merged_into === null && (
        <LoyaltyPanel contact_id={contact.id} writable={can('loyalty', 'write')} admin={can('loyalty', 'admin')} />
      )}
      <MergesPanel contact_id={contact.id} merges={card.merges} can_undo={can('relationships', 'admin')} onChanged={refresh} />
      <TimelinePanel contact_id={contact.id} first={card.timeline} />
    </>
  );
}
