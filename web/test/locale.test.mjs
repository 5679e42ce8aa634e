// Unit tests of src/i18n/locale.ts: locale choice, message lookup, dictionary completeness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importTs } from './load_ts.mjs';

const locale = await importTs('src/i18n/locale.ts');
const { en } = await importTs('src/i18n/en.ts');
const { ru } = await importTs('src/i18n/ru.ts');

test('a stored choice wins over the browser languages', () => {
  assert.equal(locale.detectLocale('ru', ['en-US']), 'ru');
  assert.equal(locale.detectLocale('en', ['ru-RU']), 'en');
});

test('without a valid stored choice the first supported browser language is used', () => {
  assert.equal(locale.detectLocale(null, ['ru-RU', 'en']), 'ru');
  assert.equal(locale.detectLocale('xx', ['de-DE', 'RU']), 'ru');
  assert.equal(locale.detectLocale(null, ['de-DE', 'fr']), 'en');
  assert.equal(locale.detectLocale(null, []), 'en');
});

test('placeholders are filled, and an unknown one stays visible', () => {
  assert.equal(locale.translate('en', 'page.not_found.body', { path: '/x' }), 'There is no page at /x.');
  assert.equal(locale.translate('ru', 'system.polling', { seconds: 2 }), 'Обновляется каждые 2 с');
  assert.equal(locale.translate('en', 'page.not_found.body', {}), 'There is no page at {path}.');
});

test('both dictionaries have the same keys, no empty strings and the same placeholders', () => {
  assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
  const placeholders = (text) => (text.match(/\{\w+\}/g) ?? []).sort();
  for (const key of Object.keys(en)) {
    assert.notEqual(ru[key].trim(), '', key);
    assert.deepEqual(placeholders(ru[key]), placeholders(en[key]), key);
  }
});

test('numbers and times are formatted per locale', () => {
  assert.equal(locale.makeFormatters('en').number(1234.5), '1,234.5');
  assert.equal(locale.makeFormatters('ru').number(1234.5).replace(/\s/g, ' '), '1 234,5');
  assert.equal(locale.makeFormatters('ru').number(2.345, { fraction_digits_max: 0 }), '2');
});
