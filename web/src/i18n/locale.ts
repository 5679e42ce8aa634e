// Locale selection, message lookup and Intl-based formatting. Pure functions with no DOM access,
// so they are unit-testable; the Preact context in context.tsx wires them to the page.
// Invariants: a Locale is always one of `kLocales`; `translate` never returns an empty string for a
// known key (every dictionary is complete, checked by the type system).
import { en, type MessageKey, type Messages } from './en';
import { ru } from './ru';

export const kLocales = ['en', 'ru'] as const;
export type Locale = (typeof kLocales)[number];
export const kDefaultLocale: Locale = 'en';

const kDictionaries: { readonly [L in Locale]: Messages } = { en, ru };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (kLocales as readonly string[]).includes(value);
}

// Chooses the locale: the one the person picked before, else the first supported browser language
// ("ru-RU" → ru), else English.
export function detectLocale(stored: string | null, browser_languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of browser_languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return kDefaultLocale;
}

export type MessageParams = Readonly<Record<string, string | number>>;

// Looks up `key` for `locale` and fills `{name}` placeholders; an unknown placeholder stays visible
// so a mistake shows on the page instead of silently vanishing.
export function translate(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = kDictionaries[locale][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

// Formatters are created once per locale: Intl constructors are comparatively slow.
export interface Formatters {
  number(value: number, options?: { fraction_digits_max?: number }): string;
  dateTime(epoch_ms: number): string;
  date(epoch_ms: number): string;  // the calendar day in UTC (due dates, birthdays)
  time(epoch_ms: number): string;
}

export function makeFormatters(locale: Locale): Formatters {
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const date_time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return {
    number: (value, options) => {
      const digits = options?.fraction_digits_max ?? 2;
      if (digits === 0) return integer.format(value);
      if (digits === 2) return decimal.format(value);
      return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
    },
    dateTime: (epoch_ms) => date_time.format(epoch_ms),
    date: (epoch_ms) => date.format(epoch_ms),
    time: (epoch_ms) => time.format(epoch_ms),
  };
}
