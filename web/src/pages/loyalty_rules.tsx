// The "Loyalty programme" page (/loyalty/rules, `loyalty: read`; editable with `loyalty: admin`):
// the programme's rules as a form — rates (currency or "any", points per N units), category and
// SKU multipliers (rows added and removed), minimum spend, channels, pending days, daily and
// monthly caps, expiry kind and months, time zone; the tiers (rows added, removed and reordered,
// lowest first: key, name, minimum spend in the tiers' currency, minimum purchases, earning and
// discount percent, service level; with how many members hold each, the qualification, currency,
// window, period and grace); promotions (key, name, from and to in the programme's time zone,
// category, channel, percent, bonus points); and the bonuses (welcome, birthday, referral).
// Save sends the version that was read: 409 rules_changed says someone else saved since and offers
// to reload; 422 invalid_rules shows each problem next to its field (a problem of a field the form
// does not show is listed at the top).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, isAbort } from '../api/client';
import { currencyDigits, fetchRules, kExpiryKinds, kTierQualifications, saveRules, type RulesView } from '../api/loyalty';
import { fetchTiers, type TierCount } from '../api/programme';
import { FieldMessage, formatDate } from '../components/contact_bits';
import { Field, FormError, Notice, inputValue } from '../components/form';
import { ProblemAlert } from '../components/problem_alert';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n/en';
import {
  draftOfRules,
  formFieldNames,
  kBonusFields,
  kNewPromotion,
  kNewTier,
  moveRow,
  problemsByField,
  problemsWithoutField,
  rulesOfDraft,
  type BonusDraftKey,
  type MultiplierDraft,
  type PromotionDraft,
  type RulesDraft,
  type TierDraft,
} from '../loyalty_logic';
import { PageHeading } from '../page_heading';
import { useSession } from '../session';

const kExpiryKeys: Readonly<Record<string, MessageKey>> = {
  never: 'rules.expiry.never',
  rolling_months: 'rules.expiry.rolling_months',
  end_of_year: 'rules.expiry.end_of_year',
  inactivity_months: 'rules.expiry.inactivity_months',
};

const kQualificationKeys: Readonly<Record<string, MessageKey>> = {
  spend: 'rules.qualification.spend',
  purchases: 'rules.qualification.purchases',
  spend_or_purchases: 'rules.qualification.spend_or_purchases',
  spend_and_purchases: 'rules.qualification.spend_and_purchases',
};

const kBonusLabels: Readonly<Record<BonusDraftKey, MessageKey>> = {
  bonus_welcome: 'rules.bonus.welcome',
  bonus_birthday: 'rules.bonus.birthday',
  bonus_referral_referrer: 'rules.bonus.referral_referrer',
  bonus_referral_referred: 'rules.bonus.referral_referred',
  bonus_referral_minimum_minor: 'rules.bonus.referral_minimum',
  bonus_referral_deadline_days: 'rules.bonus.referral_deadline_days',
  bonus_referral_limit: 'rules.bonus.referral_limit',
};

const kBonusHints: Readonly<Partial<Record<BonusDraftKey, MessageKey>>> = {
  bonus_welcome: 'rules.bonus.welcome_hint',
  bonus_birthday: 'rules.bonus.birthday_hint',
  bonus_referral_minimum_minor: 'rules.bonus.referral_minimum_hint',
  bonus_referral_deadline_days: 'rules.bonus.referral_deadline_hint',
  bonus_referral_limit: 'rules.bonus.referral_limit_hint',
};

// One text input of a table row, labelled for screen readers, with its problem under it.
function CellInput(props: {
  id: string;
  label: string;
  value: string;
  problem: string | undefined;
  disabled: boolean;
  short?: boolean;
  type?: string;
  onInput: (value: string) => void;
}) {
  return (
    <>
      <label class="visually-hidden" for={props.id}>
        {props.label}
      </label>
      <input
        id={props.id}
        class={props.short ? 'input input--short' : 'input'}
        type={props.type ?? 'text'}
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

// A labelled number (or text) field of a rules group with its hint and its problem.
function GroupField(props: {
  id: string;
  field: string;
  label: string;
  hint?: string | undefined;
  value: string;
  problem: string | undefined;
  disabled: boolean;
  short?: boolean;
  numeric?: boolean;
  onInput: (value: string) => void;
}) {
  const described = [props.hint ? `${props.id}-hint` : '', props.problem ? `${props.id}-error` : ''].filter((part) => part !== '').join(' ');
  return (
    <Field id={props.id} label={props.label} hint={props.hint}>
      <input
        id={props.id}
        name={props.field}
        class={props.short === false ? 'input' : 'input input--short'}
        inputMode={props.numeric === false ? undefined : 'numeric'}
        value={props.value}
        disabled={props.disabled}
        aria-invalid={props.problem ? 'true' : undefined}
        aria-describedby={described === '' ? undefined : described}
        onInput={(event) => props.onInput(inputValue(event))}
      />
      <FieldMessage id={props.id} message={props.problem} />
    </Field>
  );
}

// Up, down and remove for a row of an ordered table.
function RowActions(props: { label: string; index: number; count: number; onMove: (step: -1 | 1) => void; onRemove: () => void }) {
  const { t } = useI18n();
  return (
    <td class="table__actions nowrap">
      <button type="button" class="button button--quiet" aria-label={t('rules.move_up', { row: props.label })} disabled={props.index === 0} onClick={() => props.onMove(-1)}>
        ↑
      </button>
      <button type="button" class="button button--quiet" aria-label={t('rules.move_down', { row: props.label })} disabled={props.index === props.count - 1} onClick={() => props.onMove(1)}>
        ↓
      </button>
      <button type="button" class="button button--quiet" aria-label={`${t('rules.remove')}: ${props.label}`} onClick={props.onRemove}>
        {t('rules.remove')}
      </button>
    </td>
  );
}

type DraftUpdate = (change: Partial<RulesDraft>) => void;

function TiersGroup(props: { draft: RulesDraft; update: DraftUpdate; problems: Record<string, string>; editable: boolean; counts: TierCount[] | null }) {
  const { t } = useI18n();
  const { draft, problems } = props;
  const disabled = !props.editable;
  const currency = draft.tier_currency.trim().toUpperCase() || '—';
  const setTier = (index: number, member: keyof TierDraft, value: string) => props.update({ tiers: draft.tiers.map((tier, at) => (at === index ? { ...tier, [member]: value } : tier)) });
  const members = (key: string): number => props.counts?.find((count) => count.tier_key === key.trim())?.members ?? 0;
  const columns: [keyof TierDraft, string, MessageKey, boolean][] = [
    ['key', 'key', 'rules.key', true],
    ['name', 'name', 'rules.tier.name', false],
    ['min_spend', 'min_spend_minor', 'rules.tier.min_spend', true],
    ['min_purchases', 'min_purchases', 'rules.tier.min_purchases', true],
    ['earn_percent', 'earn_percent', 'rules.tier.earn_percent', true],
    ['discount_percent', 'discount_percent', 'rules.tier.discount_percent', true],
    ['sla_class', 'sla_class', 'rules.tier.sla_class', true],
  ];
  const group_problem = problems['tiers.tiers'] ?? problems.tiers;
  return (
    <fieldset class="rules-group" data-testid="rules-tiers">
      <legend>{t('rules.tiers')}</legend>
      <p class="field__hint">{t('rules.tiers_hint')}</p>
      <FieldMessage id="rules-tiers" message={group_problem} />
      {draft.tiers.length === 0 ? (
        <p class="muted">{t('rules.no_tiers')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                {columns.map(([member, , label]) => (
                  <th key={member}>{member === 'min_spend' ? t('rules.tier.min_spend_in', { currency }) : t(label)}</th>
                ))}
                {props.counts !== null && <th class="numeric">{t('rules.tier.members')}</th>}
                {props.editable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {draft.tiers.map((tier, index) => {
                const field = `tiers.tiers[${index}]`;
                const row = t('rules.tier_n', { n: index + 1 });
                return (
                  <tr key={index} data-testid="tier-row">
                    {columns.map(([member, server, label, short]) => (
                      <td key={member}>
                        <CellInput
                          id={`tiers-${index}-${member}`}
                          label={`${member === 'min_spend' ? t('rules.tier.min_spend_in', { currency }) : t(label)} (${row})`}
                          value={tier[member]}
                          problem={problems[`${field}.${server}`] ?? (member === 'key' ? problems[field] : undefined)}
                          disabled={disabled}
                          short={short}
                          onInput={(value) => setTier(index, member, value)}
                        />
                      </td>
                    ))}
                    {props.counts !== null && <td class="numeric">{members(tier.key)}</td>}
                    {props.editable && (
                      <RowActions
                        label={row}
                        index={index}
                        count={draft.tiers.length}
                        onMove={(step) => props.update({ tiers: moveRow(draft.tiers, index, step) })}
                        onRemove={() => props.update({ tiers: draft.tiers.filter((_, at) => at !== index) })}
                      />
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {props.editable && (
        <button type="button" class="button button--quiet" onClick={() => props.update({ tiers: [...draft.tiers, { ...kNewTier }] })}>
          {t('rules.add_tier')}
        </button>
      )}
      <div class="form--grid rules-subgrid">
        <Field id="rules-tiers-qualification" label={t('rules.qualification')}>
          <select
            id="rules-tiers-qualification"
            name="tiers.qualification"
            class="input input--select"
            value={draft.tier_qualification}
            disabled={disabled}
            onChange={(event) => props.update({ tier_qualification: inputValue(event) })}
          >
            {kTierQualifications.map((mode) => (
              <option key={mode} value={mode}>
                {t(kQualificationKeys[mode] ?? 'rules.qualification.spend')}
              </option>
            ))}
          </select>
          <FieldMessage id="rules-tiers-qualification" message={problems['tiers.qualification']} />
        </Field>
        <GroupField
          id="rules-tiers-currency"
          field="tiers.currency"
          label={t('rules.tiers_currency')}
          hint={t('rules.tiers_currency_hint')}
          value={draft.tier_currency}
          problem={problems['tiers.currency']}
          disabled={disabled}
          numeric={false}
          onInput={(value) => props.update({ tier_currency: value })}
        />
        <GroupField
          id="rules-tiers-window"
          field="tiers.window_months"
          label={t('rules.tiers_window')}
          hint={t('rules.tiers_window_hint')}
          value={draft.tier_window_months}
          problem={problems['tiers.window_months']}
          disabled={disabled}
          onInput={(value) => props.update({ tier_window_months: value })}
        />
        <GroupField
          id="rules-tiers-period"
          field="tiers.period_months"
          label={t('rules.tiers_period')}
          hint={t('rules.tiers_period_hint')}
          value={draft.tier_period_months}
          problem={problems['tiers.period_months']}
          disabled={disabled}
          onInput={(value) => props.update({ tier_period_months: value })}
        />
        <GroupField
          id="rules-tiers-grace"
          field="tiers.grace_days"
          label={t('rules.tiers_grace')}
          hint={t('rules.tiers_grace_hint')}
          value={draft.tier_grace_days}
          problem={problems['tiers.grace_days']}
          disabled={disabled}
          onInput={(value) => props.update({ tier_grace_days: value })}
        />
      </div>
    </fieldset>
  );
}

function PromotionsGroup(props: { draft: RulesDraft; update: DraftUpdate; problems: Record<string, string>; editable: boolean }) {
  const { t } = useI18n();
  const { draft, problems } = props;
  const disabled = !props.editable;
  const zone = draft.time_zone.trim() || 'UTC';
  const setPromotion = (index: number, member: keyof PromotionDraft, value: string) =>
    props.update({ promotions: draft.promotions.map((promotion, at) => (at === index ? { ...promotion, [member]: value } : promotion)) });
  const columns: [keyof PromotionDraft, MessageKey, boolean, string][] = [
    ['key', 'rules.key', true, 'text'],
    ['name', 'rules.promotion.name', false, 'text'],
    ['starts_at', 'rules.promotion.starts_at', false, 'datetime-local'],
    ['ends_at', 'rules.promotion.ends_at', false, 'datetime-local'],
    ['category', 'rules.promotion.category', true, 'text'],
    ['channel', 'rules.promotion.channel', true, 'text'],
    ['percent', 'rules.percent', true, 'text'],
    ['bonus_points', 'rules.promotion.bonus_points', true, 'text'],
  ];
  return (
    <fieldset class="rules-group" data-testid="rules-promotions">
      <legend>{t('rules.promotions')}</legend>
      <p class="field__hint">{t('rules.promotions_hint', { zone })}</p>
      <FieldMessage id="rules-promotions" message={problems.promotions} />
      {draft.promotions.length === 0 ? (
        <p class="muted">{t('rules.none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                {columns.map(([member, label]) => (
                  <th key={member}>{t(label)}</th>
                ))}
                {props.editable && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {draft.promotions.map((promotion, index) => {
                const field = `promotions[${index}]`;
                const row = t('rules.promotion_n', { n: index + 1 });
                return (
                  <tr key={index} data-testid="promotion-row">
                    {columns.map(([member, label, short, type]) => (
                      <td key={member}>
                        <CellInput
                          id={`promotions-${index}-${member}`}
                          label={`${t(label)} (${row})`}
                          value={promotion[member]}
                          problem={problems[`${field}.${member}`] ?? (member === 'key' ? problems[field] : undefined)}
                          disabled={disabled}
                          short={short}
                          type={type}
                          onInput={(value) => setPromotion(index, member, value)}
                        />
                      </td>
                    ))}
                    {props.editable && (
                      <RowActions
                        label={row}
                        index={index}
                        count={draft.promotions.length}
                        onMove={(step) => props.update({ promotions: moveRow(draft.promotions, index, step) })}
                        onRemove={() => props.update({ promotions: draft.promotions.filter((_, at) => at !== index) })}
                      />
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {props.editable && (
        <button type="button" class="button button--quiet" onClick={() => props.update({ promotions: [...draft.promotions, { ...kNewPromotion }] })}>
          {t('rules.add_promotion')}
        </button>
      )}
    </fieldset>
  );
}

function BonusesGroup(props: { draft: RulesDraft; update: DraftUpdate; problems: Record<string, string>; editable: boolean }) {
  const { t } = useI18n();
  return (
    <fieldset class="rules-group form--grid" data-testid="rules-bonuses">
      <legend>{t('rules.bonuses')}</legend>
      {props.problems.bonuses && <FieldMessage id="rules-bonuses" message={props.problems.bonuses} />}
      {kBonusFields.map(([key, field]) => {
        const hint = kBonusHints[key];
        return (
          <GroupField
            key={key}
            id={`rules-${field.replace('.', '-')}`}
            field={field}
            label={t(kBonusLabels[key])}
            hint={hint ? t(hint) : undefined}
            value={props.draft[key]}
            problem={props.problems[field]}
            disabled={!props.editable}
            onInput={(value) => props.update({ [key]: value })}
          />
        );
      })}
    </fieldset>
  );
}

function RulesForm(props: { view: RulesView; editable: boolean; counts: TierCount[] | null; onSaved: (view: RulesView) => void; onReload: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<RulesDraft>(() => draftOfRules(props.view.rules));
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const disabled = !props.editable;

  const set = (key: keyof RulesDraft) => (event: Event) => setDraft({ ...draft, [key]: inputValue(event) });
  const update: DraftUpdate = (change) => setDraft((current) => ({ ...current, ...change }));

  const submit = async (event: Event) => {
    event.preventDefault();
    setProblems({});
    setConflict(false);
    setError(null);
    const { rules, not_whole, not_amount, not_time } = rulesOfDraft(draft);
    if (not_whole.length + not_amount.length + not_time.length > 0) {
      setProblems(
        Object.fromEntries([
          ...not_whole.map((field) => [field, t('rules.not_whole')]),
          ...not_amount.map((field) => [field, t('rules.not_amount', { currency: rules.tiers.currency || '—', digits: currencyDigits(rules.tiers.currency) })]),
          ...not_time.map((field) => [field, t('rules.not_time')]),
        ]),
      );
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

      <TiersGroup draft={draft} update={update} problems={problems} editable={props.editable} counts={props.counts} />
      <PromotionsGroup draft={draft} update={update} problems={problems} editable={props.editable} />
      <BonusesGroup draft={draft} update={update} problems={problems} editable={props.editable} />

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
  // How many members hold each tier; the table goes without the column when this is unavailable.
  const [counts, setCounts] = useState<TierCount[] | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchTiers(controller.signal).then(
      (overview) => setCounts(overview.members),
      () => setCounts(null),
    );
    return () => controller.abort();
  }, [generation, view?.version]);

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
            counts={counts}
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
