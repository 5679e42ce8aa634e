// Pure helpers of the loyalty pages: the earning rules as a form draft (every number kept as the
// text the person typed, so a half-typed value is not lost) and back to the rules the API takes,
// with the fields that are not whole numbers named the way the server names them
// ("rates[0].per_units", "expiry.months"); and 422 problems grouped by field for the form.
// No DOM, no I/O: unit-tested in test/loyalty.test.mjs.
import type { EarningRules, Multiplier, Rate } from './api/loyalty';
import type { FieldError } from './api/client';

export interface RateDraft {
  currency: string;  // '' means any currency without its own rate
  points: string;
  per_units: string;
}

export interface MultiplierDraft {
  key: string;
  percent: string;
}

export interface RulesDraft {
  rates: RateDraft[];
  category_multipliers: MultiplierDraft[];
  sku_multipliers: MultiplierDraft[];
  minimum_spend_minor: string;
  channels: string;  // comma-separated
  pending_days: string;
  cap_per_day: string;
  cap_per_month: string;
  expiry_kind: string;
  expiry_months: string;
  time_zone: string;
}

export function draftOfRules(rules: EarningRules): RulesDraft {
  return {
    rates: rules.rates.map((rate) => ({ currency: rate.currency, points: String(rate.points), per_units: String(rate.per_units) })),
    category_multipliers: rules.category_multipliers.map((item) => ({ key: item.key, percent: String(item.percent) })),
    sku_multipliers: rules.sku_multipliers.map((item) => ({ key: item.key, percent: String(item.percent) })),
    minimum_spend_minor: String(rules.minimum_spend_minor),
    channels: rules.channels.join(', '),
    pending_days: String(rules.pending_days),
    cap_per_day: String(rules.cap_per_day),
    cap_per_month: String(rules.cap_per_month),
    expiry_kind: rules.expiry.kind,
    expiry_months: String(rules.expiry.months),
    time_zone: rules.time_zone,
  };
}

// A whole number typed in a form ("12", " 7 ", "-3"); null for anything else, "" included.
export function wholeNumber(input: string): number | null {
  const trimmed = input.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

export interface RulesFromDraft {
  rules: EarningRules;
  not_whole: string[];  // fields (server names) whose text is not a whole number
}

// The rules to send. Numbers that are not whole numbers are listed in `not_whole` (the caller
// does not send then); range checks are the server's (422 invalid_rules names each problem).
export function rulesOfDraft(draft: RulesDraft): RulesFromDraft {
  const not_whole: string[] = [];
  const number = (input: string, field: string): number => {
    const value = wholeNumber(input);
    if (value === null) {
      not_whole.push(field);
      return 0;
    }
    return value;
  };
  const rates: Rate[] = draft.rates.map((rate, index) => ({
    currency: rate.currency.trim().toUpperCase(),
    points: number(rate.points, `rates[${index}].points`),
    per_units: number(rate.per_units, `rates[${index}].per_units`),
  }));
  const multipliers = (items: MultiplierDraft[], name: string): Multiplier[] =>
    items.map((item, index) => ({ key: item.key.trim(), percent: number(item.percent, `${name}[${index}].percent`) }));
  const rules: EarningRules = {
    rates,
    category_multipliers: multipliers(draft.category_multipliers, 'category_multipliers'),
    sku_multipliers: multipliers(draft.sku_multipliers, 'sku_multipliers'),
    minimum_spend_minor: number(draft.minimum_spend_minor, 'minimum_spend_minor'),
    channels: draft.channels
      .split(/[,;\n]/)
      .map((channel) => channel.trim())
      .filter((channel) => channel !== ''),
    pending_days: number(draft.pending_days, 'pending_days'),
    cap_per_day: number(draft.cap_per_day, 'cap_per_day'),
    cap_per_month: number(draft.cap_per_month, 'cap_per_month'),
    // Months only mean something for the kinds that count them; 0 is sent otherwise.
    expiry: {
      kind: draft.expiry_kind,
      months: draft.expiry_kind === 'rolling_months' || draft.expiry_kind === 'inactivity_months' ? number(draft.expiry_months, 'expiry.months') : 0,
    },
    time_zone: draft.time_zone.trim(),
  };
  return { rules, not_whole };
}

// Problems keyed by field ("rates[1].points" stays as is); two problems of one field are joined.
export function problemsByField(problems: readonly FieldError[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const problem of problems) {
    const field = problem.field === '' ? 'rules' : problem.field;
    result[field] = result[field] ? `${result[field]}; ${problem.reason}` : problem.reason;
  }
  return result;
}

// The problems no field of the form shows (a field the form does not know): listed at the top.
export function problemsWithoutField(problems: Record<string, string>, shown: ReadonlySet<string>): [string, string][] {
  return Object.entries(problems).filter(([field]) => !shown.has(field));
}

// The names of every field the rules form shows for a draft, for `problemsWithoutField`.
export function formFieldNames(draft: RulesDraft): Set<string> {
  const names = new Set(['minimum_spend_minor', 'channels', 'pending_days', 'cap_per_day', 'cap_per_month', 'expiry', 'expiry.kind', 'expiry.months', 'time_zone']);
  draft.rates.forEach((_, index) => {
    for (const member of ['', '.currency', '.points', '.per_units']) names.add(`rates[${index}]${member}`);
  });
  for (const list of ['category_multipliers', 'sku_multipliers'] as const) {
    draft[list].forEach((_, index) => {
      for (const member of ['', '.key', '.percent']) names.add(`${list}[${index}]${member}`);
    });
  }
  return names;
}
