// The "Loyalty programme" page (/loyalty/rules, `loyalty: read`; editable with `loyalty: admin`):
// the earning rules as a form — rates (currency or "any", points per N units), category and SKU
// multipliers (rows added and removed), minimum spend, channels, pending days, daily and monthly
// caps, expiry kind and months, time zone. Save sends the version that was read: 409 rules_changed
// says someone else saved since and offers to reload; 422 invalid_rules shows each problem next to
// its field (a problem of a field the form does not show is listed at the top).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, isAbort } from '../api/client';
import { fetchRules, kExpiryKinds, saveRules, type RulesView } from '../api/loyalty';
import { FieldMessage, formatDate } from '../components/contact_bits';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import {
  draftOfRules,
  formFieldNames,
  problemsByField,
  problemsWithoutField,
  rulesOfDraft,
  type MultiplierDraft,
  type RulesDraft,
} from '../loyalty_logic';
import { PageHeading } from '../page_heading';
import { useSession } from '../session';

const kExpiryKeys: Readonly<Record<string, MessageKey>> = {
  never: 'rules.expiry.never',
  rolling_months: 'rules.expiry.rolling_months',
  end_of_year: 'rules.expiry.end_of_year',
  inactivity_months: 'rules.expiry.inactivity_months',
};

// One text input of a table row, labelled for screen readers, with its problem under it.
function CellInput(props: { id: string; label: string; value: string; problem: string | undefined; disabled: boolean; short?: boolean; onInput: (value: string) => void }) {
  return (
    <>
      <label class="visually-hidden" for={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        class={props.short ? 'input input--short' : 'input'}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={props.problem ? `${props.id}-error` : undefined}
        onInput={(event) => props.onInput(inputValue(event))}
      />
      <FieldMessage id={props.id} message={props.problem} />
    </>
  );
}

function MultiplierTable(props: {
  name: 'category_multipliers' | 'sku_multipliers';
  title: string;
  rows: MultiplierDraft[];
  problems: Record<string, string>;
  editable: boolean;
  onChange: (rows: MultiplierDraft[]) => void;
}) {
  const { t } = useI18n();
  const set = (index: number, member: keyof MultiplierDraft, value: string) =>
    props.onChange(props.rows.map((row, at) => (at === index ? { ...row, [member]: value } : row)));
  return (
    <fieldset class="rules-group" data-testid={`rules-${props.name}`}>
      <legend>{props.title}</legend>
      <p class="field__hint">{t('rules.multipliers_hint')}</p>
      {props.rows.length === 0 ? (
        <p class="muted">{t('rules.none')}</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>{t('rules.key')}</th>
              <th>{t('rules.percent')}</th>
              {props.editable && <th class="table__actions" />}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row, index) => {
              const field = `${props.name}[${index}]`;
              return (
                <tr key={index} data-testid="multiplier-row">
                  <td>
                    <CellInput
                      id={`${props.name}-${index}-key`}
                      label={`${t('rules.key')} ${index + 1}`}
                      value={row.key}
                      problem={props.problems[`${field}.key`] ?? props.problems[field]}
                      disabled={!props.editable}
                      onInput={(value) => set(index, 'key', value)}
                    />
                  </td>
                  <td>
                    <CellInput
                      id={`${props.name}-${index}-percent`}
                      label={`${t('rules.percent')} ${index + 1}`}
                      value={row.percent}
                      problem={props.problems[`${field}.percent`]}
                      disabled={!props.editable}
                      short
                      onInput={(value) => set(index, 'percent', value)}
                    />
                  </td>
                  {props.editable && (
                    <td class="table__actions">
                      <button type="button" class="button button--quiet" onClick={() => props.onChange(props.rows.filter((_, at) => at !== index))}>
                        {t('rules.remove')}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {props.editable && (
        <button type="button" class="button button--quiet" onClick={() => props.onChange([...props.rows, { key: '', percent: '100' }])}>
          {t('rules.add_multiplier')}
        </button>
      )}
    </fieldset>
  );
}

function RulesForm(props: { view: RulesView; editable: boolean; onSaved: (view: RulesView) => void; onReload: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<RulesDraft>(() => draftOfRules(props.view.rules));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const disabled = !props.editable;

  const set = (key: keyof RulesDraft) => (event: Event) => setDraft({ ...draft, [key]: inputValue(event) });

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblems({});
    setConflict(false);
    setError(null);
    const { rules, not_whole } = rulesOfDraft(draft);
    if (not_whole.length > 0) {
      setProblems(Object.fromEntries(not_whole.map((field) => [field, t('rules.not_whole')])));
      return;
    }
    setBusy(true);
    try {
      const saved = await saveRules(props.view.version, rules);
      setBusy(false);
      props.onSaved(saved);
      return;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409) setConflict(true);
      else if (caught instanceof ApiError && caught.status === 422 && (caught.problem?.problems?.length ?? 0) > 0) setProblems(problemsByField(caught.problem?.problems ?? []));
      else setError(caught);
    }
    setBusy(false);
  };

  const number = (key: keyof RulesDraft, field: string, label: string, hint?: string) => {
    const id = `rules-${field.replace('.', '-')}`;
    const problem = problems[field];
    const described = [hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter((part) => part !== '').join(' ');
    return (
      <Field id={id} label={label} hint={hint}>
        <input
          id={id}
          name={field}
          class="input input--short"
          inputMode="numeric"
          value={draft[key] as string}
          disabled={disabled}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={described === '' ? undefined : described}
          onInput={set(key)}
        />
        <FieldMessage id={id} message={problem} />
      </Field>
    );
  };

  const unplaced = problemsWithoutField(problems, formFieldNames(draft));
  const months_apply = draft.expiry_kind === 'rolling_months' || draft.expiry_kind === 'inactivity_months';
  const setRate = (index: number, member: 'currency' | 'points' | 'per_units', value: string) =>
    setDraft({ ...draft, rates: draft.rates.map((rate, at) => (at === index ? { ...rate, [member]: value } : rate)) });

  return (
    <form class="form rules-form" data-testid="rules-form" onSubmit={submit} noValidate>
      {conflict && (
        <div class="notice notice--warning" role="alert" data-testid="rules-conflict">
          <p>{t('rules.conflict')}</p>
          <button type="button" class="button" onClick={props.onReload}>
            {t('rules.reload')}
          </button>
        </div>
      )}
      {Object.keys(problems).length > 0 && <FormError>{t('rules.fix_fields')}</FormError>}
      {unplaced.length > 0 && (
        <ul class="form-error" data-testid="rules-problems">
          {unplaced.map(([field, reason]) => (
            <li key={field}>
              <code>{field}</code>: {reason}
            </li>
          ))}
        </ul>
      )}
      {error !== null && <ProblemAlert error={error} />}

      <fieldset class="rules-group" data-testid="rules-rates">
        <legend>{t('rules.rates')}</legend>
        <p class="field__hint">{t('rules.rates_hint')}</p>
        {draft.rates.length === 0 ? (
          <p class="muted">{t('rules.none')}</p>
        ) : (
          <table class="table">
            <thead>
              <tr>
                <th>{t('rules.currency')}</th>
                <th>{t('rules.points')}</th>
                <th>{t('rules.per_units')}</th>
                {props.editable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {draft.rates.map((rate, index) => (
                <tr key={index} data-testid="rate-row">
                  <td>
                    <CellInput
                      id={`rates-${index}-currency`}
                      label={`${t('rules.currency')} ${index + 1} (${t('rules.currency_hint')})`}
                      value={rate.currency}
                      problem={problems[`rates[${index}].currency`] ?? problems[`rates[${index}]`]}
                      disabled={disabled}
                      short
                      onInput={(value) => setRate(index, 'currency', value)}
                    />
                    {rate.currency.trim() === '' && <span class="muted small"> {t('rules.any_currency')}</span>}
                  </td>
                  <td>
                    <CellInput
                      id={`rates-${index}-points`}
                      label={`${t('rules.points')} ${index + 1}`}
                      value={rate.points}
                      problem={problems[`rates[${index}].points`]}
                      disabled={disabled}
                      short
                      onInput={(value) => setRate(index, 'points', value)}
                    />
                  </td>
                  <td>
                    <CellInput
                      id={`rates-${index}-per_units`}
                      label={`${t('rules.per_units')} ${index + 1}`}
                      value={rate.per_units}
                      problem={problems[`rates[${index}].per_units`]}
                      disabled={disabled}
                      short
                      onInput={(value) => setRate(index, 'per_units', value)}
                    />
                  </td>
                  {props.editable && (
                    <td class="table__actions">
                      <button type="button" class="button button--quiet" onClick={() => setDraft({ ...draft, rates: draft.rates.filter((_, at) => at !== index) })}>
                        {t('rules.remove')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {props.editable && (
          <button type="button" class="button button--quiet" onClick={() => setDraft({ ...draft, rates: [...draft.rates, { currency: '', points: '1', per_units: '1' }] })}>
            {t('rules.add_rate')}
          </button>
        )}
      </fieldset>

      <MultiplierTable
        name="category_multipliers"
        title={t('rules.category_multipliers')}
        rows={draft.category_multipliers}
        problems={problems}
        editable={props.editable}
        onChange={(rows) => setDraft({ ...draft, category_multipliers: rows })}
      />
      <MultiplierTable
        name="sku_multipliers"
        title={t('rules.sku_multipliers')}
        rows={draft.sku_multipliers}
        problems={problems}
        editable={props.editable}
        onChange={(rows) => setDraft({ ...draft, sku_multipliers: rows })}
      />

      <fieldset class="rules-group form--grid">
        <legend>{t('rules.conditions')}</legend>
        {number('minimum_spend_minor', 'minimum_spend_minor', t('rules.minimum_spend'))}
        <Field id="rules-channels" label={t('rules.channels')} hint={t('rules.channels_hint')}>
          <input
            id="rules-channels"
            name="channels"
            class="input"
            value={draft.channels}
            disabled={disabled}
            aria-invalid={problems.channels ? 'true' : undefined}
            aria-describedby={problems.channels ? 'rules-channels-hint rules-channels-error' : 'rules-channels-hint'}
            onInput={set('channels')}
          />
          <FieldMessage id="rules-channels" message={problems.channels} />
        </Field>
        {number('pending_days', 'pending_days', t('rules.pending_days'), t('rules.pending_days_hint'))}
        {number('cap_per_day', 'cap_per_day', t('rules.cap_per_day'), t('rules.cap_hint'))}
        {number('cap_per_month', 'cap_per_month', t('rules.cap_per_month'), t('rules.cap_hint'))}
      </fieldset>

      <fieldset class="rules-group form--grid">
        <legend>{t('rules.expiry')}</legend>
        <Field id="rules-expiry-kind" label={t('rules.expiry_kind')}>
          <select id="rules-expiry-kind" name="expiry.kind" class="input input--select" value={draft.expiry_kind} disabled={disabled} onChange={set('expiry_kind')}>
            {kExpiryKinds.map((kind) => (
              <option key={kind} value={kind}>
                {t(kExpiryKeys[kind] ?? 'rules.expiry.never')}
              </option>
            ))}
          </select>
          <FieldMessage id="rules-expiry-kind" message={problems['expiry.kind'] ?? problems.expiry} />
        </Field>
        {months_apply && number('expiry_months', 'expiry.months', t('rules.expiry_months'))}
        <Field id="rules-time-zone" label={t('rules.time_zone')} hint={t('rules.time_zone_hint')}>
          <input
            id="rules-time-zone"
            name="time_zone"
            class="input"
            value={draft.time_zone}
            disabled={disabled}
            aria-invalid={problems.time_zone ? 'true' : undefined}
            aria-describedby={problems.time_zone ? 'rules-time-zone-hint rules-time-zone-error' : 'rules-time-zone-hint'}
            onInput={set('time_zone')}
          />
          <FieldMessage id="rules-time-zone" message={problems.time_zone} />
        </Field>
      </fieldset>

      {props.editable && (
        <div class="form__actions">
          <button type="submit" class="button" disabled={busy} data-testid="rules-save">
            {t('rules.save')}
          </button>
        </div>
      )}
    </form>
  );
}

export function LoyaltyRulesPage() {
  const { t, format } = useI18n();
  const { can } = useSession();
  const [view, setView] = useState<RulesView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const [saved, setSaved] = useState<number | null>(null);
  const editable = can('loyalty', 'admin');

  useEffect(() => {
    const controller = new AbortController();
    fetchRules(controller.signal).then(
      (value) => {
        setView(value);
        setError(null);
      },
      (caught: unknown) => {
        if (!isAbort(caught)) setError(caught);
      },
    );
    return () => controller.abort();
  }, [generation]);

  return (
    <>
      <PageHeading>{t('rules.title')}</PageHeading>
      {error !== null && <ProblemAlert error={error} onRetry={() => setGeneration((value) => value + 1)} />}
      {view === null && error === null && <p class="muted">{t('app.loading')}</p>}
      {view !== null && (
        <>
          <p class="muted small" data-testid="rules-version" data-version={view.version}>
            {t('rules.version', { version: view.version })} ·{' '}
            {view.updated_at === null ? t('rules.defaults') : t('rules.updated', { time: formatDate(format, view.updated_at), actor: view.updated_by })}
          </p>
          {!editable && <p class="muted">{t('rules.read_only')}</p>}
          {saved !== null && <Notice testid="rules-saved">{t('rules.saved', { version: saved })}</Notice>}
          <RulesForm
            key={`${view.version}:${generation}`}
            view={view}
            editable={editable}
            onSaved={(next) => {
              setSaved(next.version);
              setView(next);
            }}
            onReload={() => {
              setSaved(null);
              setGeneration((value) => value + 1);
            }}
          />
        </>
      )}
    </>
  );
}
