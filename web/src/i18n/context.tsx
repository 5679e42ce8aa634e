// The locale of the page as a Preact context: components call `useI18n()` for `t`, the formatters
// and `setLocale`. The choice is persisted in localStorage (key `kLocaleStorageKey`) and mirrored
// to <html lang> so screen readers pronounce the text correctly. Main-thread only, like all UI code.
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { MessageKey } from './en';
import { detectLocale, makeFormatters, translate, type Formatters, type Locale, type MessageParams } from './locale';

export const kLocaleStorageKey = 'rapport.locale';

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: MessageParams): string;
  format: Formatters;
}

const I18nContext = createContext<I18n | null>(null);

function readStoredLocale(): string | null {
  try {
    return window.localStorage.getItem(kLocaleStorageKey);
  } catch {
    return null;  // storage disabled by the browser: fall back to the browser language
  }
}

function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(kLocaleStorageKey, locale);
  } catch {
    // Storage disabled or full: the choice still applies to this page, it just is not remembered.
  }
}

export function initialLocale(): Locale {
  return detectLocale(readStoredLocale(), navigator.languages ?? [navigator.language]);
}

export function I18nProvider(props: { children: ComponentChildren }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale,
      t: (key, params) => translate(locale, key, params),
      format: makeFormatters(locale),
    }),
    [locale, setLocale],
  );

  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n() used outside <I18nProvider>');
  return value;
}
