// Small pieces shared by the contact pages: role labels and badges (DESIGN §1 vocabulary), a
// contact's companies as links, dates and the field-error list of a 422 answer.
import { ApiError, type FieldError } from '../api/client';
import { kContactRoles, type ContactCompany } from '../api/contacts';
import type { I18n } from '../i18n/context';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import { Link } from '../router';

const kRoleKeys: Readonly<Record<string, MessageKey>> = {
  customer: 'contact_role.customer',
  supplier: 'contact_role.supplier',
  distributor: 'contact_role.distributor',
  partner: 'contact_role.partner',
  investor: 'contact_role.investor',
};

export function contactRoleLabel(t: I18n['t'], role: string): string {
  const key = kRoleKeys[role];
  return key ? t(key) : role;
}

export function RoleBadges(props: { roles: readonly string[] }) {
  const { t } = useI18n();
  return (
    <span class="badges">
      {props.roles.map((role) => (
        <span key={role} class="badge badge--neutral" data-role={role}>
          {contactRoleLabel(t, role)}
        </span>
      ))}
    </span>
  );
}

export function CompanyLinks(props: { companies: readonly ContactCompany[] }) {
  return (
    <span class="badges">
      {props.companies.map((company) => (
        <Link key={company.company_id} href={`/companies/${company.company_id}`}>
          {company.name}
        </Link>
      ))}
    </span>
  );
}

// Check boxes for the five relationship roles.
export function RoleChoice(props: { id: string; value: readonly string[]; onChange: (roles: string[]) => void }) {
  const { t } = useI18n();
  return (
    <fieldset class="choice" id={props.id}>
      <legend class="field__label">{t('contacts.roles')}</legend>
      {kContactRoles.map((role) => (
        <label key={role} class="choice__option">
          <input
            type="checkbox"
            name="roles"
            value={role}
            checked={props.value.includes(role)}
            onChange={(event) => {
              const checked = (event.currentTarget as HTMLInputElement).checked;
              props.onChange(checked ? [...props.value, role] : props.value.filter((candidate) => candidate !== role));
            }}
          />{' '}
          {contactRoleLabel(t, role)}
        </label>
      ))}
    </fieldset>
  );
}

export function formatDate(format: I18n['format'], timestamp: string | null): string {
  if (timestamp === null || timestamp === '') return '';
  const at_ms = Date.parse(timestamp);
  return Number.isNaN(at_ms) ? timestamp : format.dateTime(at_ms);
}

// A day (a due date, a birthday) without the time of day.
export function formatDay(format: I18n['format'], timestamp: string | null): string {
  if (timestamp === null || timestamp === '') return '';
  const at_ms = Date.parse(timestamp);
  return Number.isNaN(at_ms) ? timestamp : format.date(at_ms);
}

// The per-field errors of a 422 answer keyed by field ("address.city" stays as is).
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError) || error.status !== 422) return {};
  const result: Record<string, string> = {};
  for (const item of error.problem?.errors ?? ([] as FieldError[])) {
    if (item.field !== '') result[item.field] = result[item.field] ? `${result[item.field]}; ${item.reason}` : item.reason;
  }
  return result;
}

// The message under a field, bound to its input by id (`<id>-error`, see aria-describedby).
export function FieldMessage(props: { id: string; message: string | undefined }) {
  if (!props.message) return null;
  return (
    <p class="field__error" id={`${props.id}-error`} data-testid="field-error">
      {props.message}
    </p>
  );
}
