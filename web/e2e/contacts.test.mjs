// Browser tests of the client card against a real `rapport serve` (see harness.mjs), signed in as
// the first admin. They run in order and share one page: importing a CSV through the wizard (one
// bad row: the dry-run report names its line) and opening the card of an imported contact; search
// as you type finding a Cyrillic name by a lower-case prefix; adding a note and a task on the card
// (screenshot card.png); merging two duplicates found by a scan and undoing the merge; and the
// contacts page in Russian. Any console error (a CSP violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { dropConsoleErrors, errorsOf, saveScreenshot, startEnglishPage } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check
// Line 3 (the second data row) has an invalid e-mail. The two Ольга rows share a phone number
// (written two ways), so the duplicate scan pairs them.
const kCsv = [
  'Email;First Name;Last Name;Phone;Birthday',
  'anna.ivanova@example.com;Анна;Иванова;+7 916 111-22-33;28.02.1990',
  'not-an-email;Bad;Row;;',
  'olga@example.com;Ольга;Смирнова;+79161234567;',
  'olga.smirnova@example.org;Ольга;Смирнова;+7 (916) 123-45-67;',
  'peter@example.com;Peter;Brown;;',
].join('\r\n') + '\r\n';
const kMapping = [['Email', 'email'], ['First Name', 'first_name'], ['Last Name', 'last_name'], ['Phone', 'phone'], ['Birthday', 'birthday']];
const kBadLine = 3;

let server;
let browser;
let page;

before(async () => {
  ({ server, browser, page } = await startEnglishPage({ sign_in_at: '/contacts' }));
  await page.waitForURL(`${server.url}/contacts`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function navigation() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

async function noErrors() {
  assert.deepEqual(errorsOf(page), []);
}

test('a CSV imported through the wizard reports its bad row by line, then opens an imported card', async () => {
  await page.getByRole('heading', { level: 1, name: 'Contacts' }).waitFor({ timeout: kWaitMs });
  await page.getByRole('link', { name: 'Import', exact: true }).click();
  await page.waitForURL(`${server.url}/contacts/import`);
  await page.getByTestId('import-file').setInputFiles({ name: 'crm export.csv', mimeType: 'text/csv', buffer: Buffer.from(kCsv, 'utf8') });

  const mapping = page.getByTestId('import-mapping');
  await mapping.waitFor({ timeout: kWaitMs });
  for (const [column, field] of kMapping) {
    await mapping.locator(`[data-testid="mapping-row"][data-column="${column}"] select`).selectOption(field);
  }
  assert.equal(await page.getByLabel('Save the mapping as').inputValue(), 'crm-export');
  await page.getByTestId('dry-run').click();

  const check = page.getByTestId('dry-run-report');
  await check.waitFor({ timeout: kWaitMs });
  assert.equal(await check.getByTestId('report-rows').textContent(), '5');
  assert.equal(await check.getByTestId('report-failed').textContent(), '1');
  assert.equal(await check.getByTestId('report-created').textContent(), '4');
  const error_row = check.locator(`[data-testid="import-error"][data-line="${kBadLine}"]`);
  await error_row.waitFor();
  assert.match(await error_row.textContent(), /email/i);

  await page.getByTestId('run-import').click();
  const report = page.getByTestId('import-report');
  await report.waitFor({ timeout: kWaitMs });
  assert.equal(await report.getByTestId('report-created').textContent(), '4');
  await page.getByTestId('import-done').waitFor();

  await navigation().getByRole('link', { name: 'Contacts' }).click();
  await page.waitForURL(`${server.url}/contacts`);
  const row = page.getByTestId('contact-row').filter({ hasText: 'peter@example.com' });
  await row.waitFor({ timeout: kWaitMs });
  await row.getByRole('link', { name: 'Peter Brown' }).click();
  await page.waitForURL(/\/contacts\/\d+$/);
  assert.equal(await page.getByTestId('card-name').textContent({ timeout: kWaitMs }), 'Peter Brown');
  assert.equal(await page.getByTestId('card-email').textContent(), 'peter@example.com');
  await page.getByTestId('timeline-event').first().waitFor({ timeout: kWaitMs });
  await noErrors();
});

test('search as you type finds a Cyrillic name by a lower-case prefix', async () => {
  await navigation().getByRole('link', { name: 'Contacts' }).click();
  await page.waitForURL(`${server.url}/contacts`);
  await page.getByTestId('contact-row').first().waitFor({ timeout: kWaitMs });
  await page.getByTestId('contact-search').pressSequentially('анн', { delay: 40 });
  const anna = page.getByTestId('contact-row').filter({ hasText: 'Анна Иванова' });
  await anna.waitFor({ timeout: kWaitMs });
  await page.getByTestId('contact-row').filter({ hasText: 'Peter Brown' }).waitFor({ state: 'detached', timeout: kWaitMs });
  const names = await page.locator('[data-testid="contact-row"] td:first-child').allTextContents();
  assert.deepEqual(names, ['Анна Иванова']);
  await noErrors();
});

test('a note and a task are added on the client card', async () => {
  await page.getByTestId('contact-row').filter({ hasText: 'Анна Иванова' }).getByRole('link').click();
  await page.waitForURL(/\/contacts\/\d+$/);
  await page.getByTestId('card-name').filter({ hasText: 'Анна Иванова' }).waitFor({ timeout: kWaitMs });

  const notes = page.getByTestId('notes-panel');
  await notes.getByLabel('New note').fill('Called about the spring order; prefers e-mail.');
  await notes.getByRole('button', { name: 'Add note' }).click();
  await notes.getByTestId('note').filter({ hasText: 'Called about the spring order' }).waitFor({ timeout: kWaitMs });

  const tasks = page.getByTestId('tasks-panel');
  await tasks.getByLabel('Task').fill('Send the price list');
  await tasks.getByLabel('Assignee').selectOption({ label: 'Me' });
  await tasks.getByLabel('Due date').fill('2030-05-20');
  await tasks.getByRole('button', { name: 'Add task' }).click();
  await tasks.getByTestId('task').filter({ hasText: 'Send the price list' }).waitFor({ timeout: kWaitMs });

  await page.getByTestId('timeline-event').first().waitFor({ timeout: kWaitMs });
  await saveScreenshot(page, 'card.png');

  await navigation().getByRole('link', { name: 'My tasks' }).click();
  await page.getByTestId('my-task').filter({ hasText: 'Send the price list' }).waitFor({ timeout: kWaitMs });
  await noErrors();
});

test('two duplicates found by a scan are merged, and the merge is undone', async () => {
  await navigation().getByRole('link', { name: 'Duplicates' }).click();
  await page.waitForURL(`${server.url}/duplicates`);
  await page.getByTestId('scan').click();
  await page.getByTestId('scan-notice').waitFor({ timeout: kWaitMs });
  const pair = page.getByTestId('duplicate-row').filter({ hasText: 'olga@example.com' }).filter({ hasText: 'olga.smirnova@example.org' });
  await pair.waitFor({ timeout: kWaitMs });
  const first_id = Number(await pair.getAttribute('data-first'));
  const second_id = Number(await pair.getAttribute('data-second'));
  await pair.getByRole('button', { name: 'Review' }).click();

  const view = page.getByTestId('pair-view');
  await view.waitFor();
  const email = view.locator('[data-testid="merge-field"][data-field="email"]');
  await email.locator('input[value="other"]').check();
  await view.getByTestId('merge-pair').click();
  await page.getByTestId('merged-notice').waitFor({ timeout: kWaitMs });

  await page.goto(`${server.url}/contacts/${second_id}`);
  await page.getByTestId('merged-into').waitFor({ timeout: kWaitMs });

  await page.getByTestId('merged-into').getByRole('link').click();
  await page.waitForURL(`${server.url}/contacts/${first_id}`);
  const merges = page.getByTestId('merges-panel');
  const entry = merges.getByTestId('merge').filter({ has: page.getByRole('button', { name: 'Undo' }) });
  await entry.waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('card-email').textContent(), 'olga.smirnova@example.org', 'the chosen e-mail was kept');
  await entry.getByRole('button', { name: 'Undo' }).click();
  await page.getByTestId('merge-notice').waitFor({ timeout: kWaitMs });
  await merges.locator('[data-testid="merge"][data-undone="true"]').waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('card-email').textContent(), 'olga@example.com', 'the survivor has its own e-mail back');

  await page.goto(`${server.url}/contacts/${second_id}`);
  await page.getByTestId('card-name').waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('merged-into').count(), 0, 'the merged contact stands on its own again');
  await noErrors();
});

test('the new-contact form shows a field error next to its field and links to an existing card', async () => {
  await page.goto(`${server.url}/contacts`);
  await page.getByRole('button', { name: 'New contact' }).click();
  const form = page.getByTestId('new-contact-form');
  await form.getByLabel('First name').fill('Вера');
  await form.getByLabel('E-mail').fill('vera@@example');
  await form.getByRole('button', { name: 'Create contact' }).click();
  const message = form.locator('#new-email-error');
  await message.waitFor({ timeout: kWaitMs });
  assert.equal(await form.getByLabel('E-mail').getAttribute('aria-invalid'), 'true');

  await form.getByLabel('E-mail').fill('ANNA.IVANOVA@example.com');
  await form.getByRole('button', { name: 'Create contact' }).click();
  await page.getByTestId('existing-contact').click();
  await page.getByTestId('card-name').filter({ hasText: 'Анна Иванова' }).waitFor({ timeout: kWaitMs });

  await page.goto(`${server.url}/contacts`);
  await page.getByRole('button', { name: 'New contact' }).click();
  await form.getByLabel('First name').fill('Вера');
  await form.getByLabel('Last name').fill('Павлова');
  await form.getByLabel('E-mail').fill('vera@example.com');
  await form.getByRole('button', { name: 'Create contact' }).click();
  await page.getByTestId('card-name').filter({ hasText: 'Вера Павлова' }).waitFor({ timeout: kWaitMs });
  dropConsoleErrors(page, /status of (409|422) /);
  await noErrors();
});

test('the contacts page speaks Russian', async () => {
  await page.goto(`${server.url}/contacts`);
  await page.getByTestId('contact-row').first().waitFor({ timeout: kWaitMs });
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();
  await page.getByRole('heading', { level: 1, name: 'Контакты' }).waitFor({ timeout: kWaitMs });
  const russian_navigation = page.getByRole('navigation', { name: 'Основная навигация' });
  for (const name of ['Контакты', 'Компании', 'Мои задачи', 'Дубликаты']) await russian_navigation.getByRole('link', { name }).waitFor();
  const headers = await page.locator('[data-testid="contacts-table"] th').allTextContents();
  assert.deepEqual(headers, ['Имя', 'E-mail', 'Телефон', 'Компании', 'Роли', 'Создан']);
  await page.getByLabel('Поиск').waitFor();
  await page.getByRole('button', { name: 'Новый контакт' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
  await saveScreenshot(page, 'contacts-ru.png');
  await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
  await noErrors();
});
