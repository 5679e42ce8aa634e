// Browser tests of the loyalty programme's tiers, bonuses, coupons and referrals against a real
// `rapport serve` (see harness.mjs), signed in as the first admin. They run in order and share one
// page. Through the UI: the rules editor configures two tiers (Silver from 100.00 EUR or 2
// purchases, Gold from 500.00 EUR or 5) and a welcome bonus of 50 points and saves them; a purchase
// of 150.00 EUR (recorded through the API from the page) makes the member Silver, and the card shows
// the tier badge, what Gold needs and the welcome bonus in the statement (screenshot
// programme-card.png); the Coupons page creates a coupon with a code and one with a generated code,
// lists them, deactivates one and checks a code; the card gives a referral code (the same one
// every time), a second client records that code and each card links to the other; a personal
// discount is given on the card; an agent (loyalty read only) sees neither the forms nor the
// buttons; the tier speaks Russian. Any console error (a CSP violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi, errorsOf, kNeedsLoyaltyApi, saveScreenshot, signIn, startEnglishPage } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check
const kAgentEmail = 'agent@example.com';
const kAgentPassword = 'e2e-agent-password-0123';

const kOptions = kNeedsLoyaltyApi;

let server;
let browser;
let page;
let member_id;
let friend_id;

before(async () => {
  ({ server, browser, page } = await startEnglishPage({ sign_in_at: '/' }));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function api(method, path, body) {
  return callApi(page, method, path, body);
}

async function createContact(first_name, last_name, email) {
  const created = await api('POST', '/api/v1/contacts', { first_name, last_name, email, roles: ['customer'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body.id;
}

function navigation() {
  return page.getByRole('navigation', { name: 'Main navigation' });
}

function panel() {
  return page.getByTestId('loyalty-panel');
}

async function openCard(id) {
  await page.goto(`${server.url}/contacts/${id}`);
  await panel().waitFor({ timeout: kWaitMs });
}

test('the rules editor configures two tiers and a welcome bonus', kOptions, async () => {
  await navigation().getByRole('link', { name: 'Loyalty programme' }).click();
  await page.waitForURL(`${server.url}/loyalty/rules`);
  const form = page.getByTestId('rules-form');
  await form.waitFor({ timeout: kWaitMs });
  const tiers = form.getByTestId('rules-tiers');
  await tiers.getByLabel('Tier currency').fill('EUR');
  await tiers.getByLabel('Qualification').selectOption('spend_or_purchases');
  const rows = [
    { key: 'gold', name: 'Gold', spend: '500', purchases: '5', earning: '150', discount: '10', sla: 'priority' },
    { key: 'silver', name: 'Silver', spend: '100', purchases: '2', earning: '125', discount: '5', sla: 'standard' },
  ];
  // Entered highest first, then put in order with the row buttons.
  for (const [index, row] of rows.entries()) {
    await tiers.getByRole('button', { name: 'Add tier' }).click();
    const n = index + 1;
    await tiers.getByLabel(`Key (tier ${n})`).fill(row.key);
    await tiers.getByLabel(`Name (tier ${n})`).fill(row.name);
    await tiers.getByLabel(`Minimum spend (EUR) (tier ${n})`).fill(row.spend);
    await tiers.getByLabel(`Minimum purchases (tier ${n})`).fill(row.purchases);
    await tiers.getByLabel(`Earning % (tier ${n})`).fill(row.earning);
    await tiers.getByLabel(`Discount % (tier ${n})`).fill(row.discount);
    await tiers.getByLabel(`Service level (tier ${n})`).fill(row.sla);
  }
  await tiers.getByRole('button', { name: 'Move tier 2 up' }).click();
  assert.equal(await tiers.getByLabel('Key (tier 1)').inputValue(), 'silver');
  assert.equal(await tiers.getByLabel('Key (tier 2)').inputValue(), 'gold');
  await form.getByTestId('rules-bonuses').getByLabel('Welcome bonus (points)').fill('50');
  await form.getByRole('button', { name: 'Save rules' }).click();
  await page.getByTestId('rules-saved').waitFor({ timeout: kWaitMs });

  const stored = await api('GET', '/api/v1/loyalty/rules');
  assert.deepEqual(
    stored.body.rules.tiers.tiers.map((tier) => [tier.key, tier.name, tier.min_spend_minor, tier.min_purchases, tier.earn_percent, tier.discount_percent, tier.sla_class]),
    [
      ['silver', 'Silver', 10000, 2, 125, 5, 'standard'],
      ['gold', 'Gold', 50000, 5, 150, 10, 'priority'],
    ],
  );
  assert.equal(stored.body.rules.tiers.qualification, 'spend_or_purchases');
  assert.equal(stored.body.rules.tiers.currency, 'EUR');
  assert.equal(stored.body.rules.bonuses.welcome, 50);
  // The saved form shows what the server stored.
  assert.equal(await page.getByTestId('rules-tiers').getByLabel('Minimum spend (EUR) (tier 2)').inputValue(), '500.00');

  // A problem the server finds is shown next to its field: a tier below the one before it.
  await page.getByTestId('rules-tiers').getByLabel('Minimum spend (EUR) (tier 2)').fill('50');
  await page.getByTestId('rules-tiers').getByLabel('Minimum purchases (tier 2)').fill('1');
  await page.getByTestId('rules-form').getByRole('button', { name: 'Save rules' }).click();
  const problem = page.locator('#tiers-1-min_spend-error, #tiers-1-min_purchases-error, #tiers-1-key-error').first();
  await problem.waitFor({ timeout: kWaitMs });
  await saveScreenshot(page, 'programme-rules.png');
  // Back to what is stored.
  await page.reload();
  await page.getByTestId('rules-form').waitFor({ timeout: kWaitMs });
  errorsOf(page).splice(0, errorsOf(page).length, ...errorsOf(page).filter((error) => !/status of 422/.test(error)));
  assert.deepEqual(errorsOf(page), []);
});

test('a purchase makes the member Silver: the card shows the badge, what Gold needs and the welcome bonus', kOptions, async () => {
  member_id = await createContact('Anna', 'Smirnova', 'anna@example.com');
  const purchase = await api('POST', '/api/v1/purchases', {
    contact_id: member_id,
    total_minor: 15000,
    currency: 'EUR',
    occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  assert.equal(purchase.status, 201, JSON.stringify(purchase.body));
  assert.equal(purchase.body.tier?.to, 'silver', JSON.stringify(purchase.body.tier));
  assert.ok(purchase.body.bonuses.some((bonus) => bonus.kind === 'welcome' && bonus.points === 50), JSON.stringify(purchase.body.bonuses));

  await openCard(member_id);
  const badge = panel().locator('[data-testid="tier-badge"][data-tier="silver"]');
  await badge.waitFor({ timeout: kWaitMs });
  assert.equal((await badge.textContent()).trim(), 'Silver');
  const benefits = await panel().getByTestId('tier-benefits').textContent();
  assert.match(benefits, /Discount 5%/);
  assert.match(benefits, /Points ×1\.25/);
  assert.match(benefits, /Service level: standard/);
  assert.equal((await panel().getByTestId('tier-reach').textContent()).trim(), 'Spend €350.00 or make 4 more purchases to reach Gold');
  assert.match(await panel().getByTestId('tier-keep').textContent(), /^Silver is kept at the review on .+: the thresholds are met\.$/);
  assert.match(await panel().getByTestId('tier-window').textContent(), /Last 12 months: €150\.00 spent, 1 purchase\./);
  const welcome = panel().locator('[data-testid="ledger-row"][data-kind="bonus"][data-rule="welcome"]');
  await welcome.waitFor({ timeout: kWaitMs });
  assert.match(await welcome.textContent(), /Welcome bonus/);
  assert.match(await welcome.getByTestId('ledger-points').textContent(), /\+50/);
  await saveScreenshot(page, 'programme-card.png');
  assert.deepEqual(errorsOf(page), []);
});

test('the Coupons page creates coupons, lists them, deactivates one and checks a code', kOptions, async () => {
  await navigation().getByRole('link', { name: 'Coupons' }).click();
  await page.waitForURL(`${server.url}/loyalty/coupons`);
  const form = page.getByTestId('create-coupon-form');
  await form.waitFor({ timeout: kWaitMs });
  await form.getByLabel('Code').fill('autumn26');
  await form.getByLabel('Name').fill('Autumn');
  await form.getByLabel('Kind').selectOption('points');
  await form.getByLabel('Points').fill('300');
  await form.getByRole('button', { name: 'Create coupon' }).click();
  await page.getByTestId('coupons-notice').filter({ hasText: 'Coupon AUTUMN26 created.' }).waitFor({ timeout: kWaitMs });
  const autumn = page.locator('[data-testid="coupon-row"][data-code="AUTUMN26"]');
  await autumn.waitFor({ timeout: kWaitMs });
  assert.match(await autumn.textContent(), /Autumn/);
  assert.match(await autumn.textContent(), /\+300 points/);
  assert.equal(await autumn.getAttribute('data-state'), 'active');

  // No code: the server makes one up.
  await form.getByLabel('Name').fill('Ten off');
  await form.getByLabel('Kind').selectOption('percent_off');
  await form.getByLabel('Percent off').fill('10');
  await form.getByRole('button', { name: 'Create coupon' }).click();
  const notice = page.getByTestId('coupons-notice').filter({ hasText: /Coupon \S+ created\./ }).filter({ hasNotText: 'AUTUMN26' });
  await notice.waitFor({ timeout: kWaitMs });
  const generated = /Coupon (\S+) created\./.exec(await notice.textContent())[1];
  assert.match(generated, /^[A-Z0-9]{8}$/);
  await page.locator(`[data-testid="coupon-row"][data-code="${generated}"]`).waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('coupon-row').count(), 2);

  // The same code again is refused next to the code field.
  await form.getByLabel('Code').fill('AUTUMN26');
  await form.getByLabel('Name').fill('Again');
  await form.getByLabel('Percent off').fill('5');
  await form.getByRole('button', { name: 'Create coupon' }).click();
  await page.locator('#coupon-code-error').waitFor({ timeout: kWaitMs });

  // Deactivated coupons leave the list unless inactive ones are included.
  await autumn.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByTestId('coupons-notice').filter({ hasText: 'Coupon AUTUMN26 deactivated.' }).waitFor({ timeout: kWaitMs });
  await autumn.waitFor({ state: 'detached', timeout: kWaitMs });
  await page.getByTestId('coupons-include-inactive').check();
  await page.locator('[data-testid="coupon-row"][data-code="AUTUMN26"][data-state="inactive"]').waitFor({ timeout: kWaitMs });

  // The till's question.
  const check = page.getByTestId('check-coupon-form');
  await check.getByLabel('Code').fill(generated);
  await check.getByLabel('Client id').fill(String(member_id));
  await check.getByRole('button', { name: 'Check' }).click();
  await page.locator('[data-testid="coupon-check"][data-usable="true"]').waitFor({ timeout: kWaitMs });
  await check.getByLabel('Code').fill('AUTUMN26');
  await check.getByRole('button', { name: 'Check' }).click();
  const refused = page.locator('[data-testid="coupon-check"][data-usable="false"]');
  await refused.waitFor({ timeout: kWaitMs });
  assert.notEqual((await refused.getByTestId('coupon-check-problem').textContent()).trim(), '');
  await saveScreenshot(page, 'programme-coupons.png');
  errorsOf(page).splice(0, errorsOf(page).length, ...errorsOf(page).filter((error) => !/status of 409/.test(error)));
  assert.deepEqual(errorsOf(page), []);
});

test('the card gives a referral code; a new client records it and each card links to the other', kOptions, async () => {
  await openCard(member_id);
  const referrals = panel().getByTestId('referrals');
  await referrals.getByRole('button', { name: 'Give a referral code' }).waitFor({ timeout: kWaitMs });
  // A member who already bought cannot be referred: no form for the code they came with.
  await panel().getByTestId('purchase-row').waitFor({ timeout: kWaitMs });
  assert.equal(await referrals.getByTestId('referred-by-form').count(), 0);
  await referrals.getByRole('button', { name: 'Give a referral code' }).click();
  const code_element = referrals.getByTestId('referral-code');
  await code_element.waitFor({ timeout: kWaitMs });
  const code = (await code_element.textContent()).trim();
  assert.notEqual(code, '');
  // The same code every time.
  const again = await api('POST', `/api/v1/contacts/${member_id}/referral-code`);
  assert.equal(again.status, 200, JSON.stringify(again.body));
  assert.equal(again.body.code, code);

  friend_id = await createContact('Boris', 'Orlov', 'boris@example.com');
  await openCard(friend_id);
  const form = panel().getByTestId('referred-by-form');
  await form.getByLabel('Came with the referral code').fill(code);
  await form.getByRole('button', { name: 'Record referral' }).click();
  const referred_by = panel().getByTestId('referred-by');
  await referred_by.waitFor({ timeout: kWaitMs });
  assert.match(await referred_by.textContent(), new RegExp(`Referred by client #${member_id}`));
  assert.match(await referred_by.textContent(), /pending/);

  await referred_by.getByTestId('referrer-link').click();
  await page.waitForURL(`${server.url}/contacts/${member_id}`);
  const row = panel().locator(`[data-testid="referral-row"][data-referred="${friend_id}"]`);
  await row.waitFor({ timeout: kWaitMs });
  assert.equal(await row.getAttribute('data-state'), 'pending');
  assert.equal(await panel().getByTestId('referrals-rewarded').getAttribute('data-rewarded'), '0');
  await row.getByRole('link').click();
  await page.waitForURL(`${server.url}/contacts/${friend_id}`);
  await panel().getByTestId('referred-by').waitFor({ timeout: kWaitMs });
  assert.deepEqual(errorsOf(page), []);
});

test('a personal discount is given on the card', kOptions, async () => {
  await openCard(member_id);
  const form = panel().getByTestId('personal-coupon-form');
  await form.getByLabel('Kind').selectOption('percent_off');
  await form.getByLabel('Percent off').fill('15');
  await form.getByRole('button', { name: 'Give the discount' }).click();
  await panel().getByTestId('personal-notice').waitFor({ timeout: kWaitMs });
  const row = panel().getByTestId('personal-coupon');
  await row.first().waitFor({ timeout: kWaitMs });
  assert.equal(await row.count(), 1);
  assert.match(await row.textContent(), /15% off/);
  const listed = await api('GET', `/api/v1/coupons?contact_id=${member_id}`);
  assert.equal(listed.body.items.length, 1);
  assert.equal(listed.body.items[0].contact_id, member_id);
  assert.equal(listed.body.items[0].percent_off, 15);
  assert.deepEqual(errorsOf(page), []);
});

test('an agent sees the tier and referrals but no forms or buttons that change them', kOptions, async () => {
  const agent = await api('POST', '/api/v1/users', { email: kAgentEmail, display_name: 'Agent', role: 'agent', password: kAgentPassword });
  assert.equal(agent.status, 201, JSON.stringify(agent.body));
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${server.url}/contacts/${friend_id}`);
  await signIn(page, { email: kAgentEmail, password: kAgentPassword });
  await panel().waitFor({ timeout: kWaitMs });
  await panel().getByTestId('referred-by').waitFor({ timeout: kWaitMs });
  await panel().getByTestId('referral-code-line').waitFor({ timeout: kWaitMs });
  assert.equal(await panel().getByTestId('give-referral-code').count(), 0);
  assert.equal(await panel().getByTestId('personal-coupon-form').count(), 0);
  await navigation().getByRole('link', { name: 'Coupons' }).click();
  await page.getByTestId('check-coupon-form').waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('create-coupon-form').count(), 0);
  assert.equal(await page.getByTestId('coupon-toggle').count(), 0);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${server.url}/contacts/${member_id}`);
  await signIn(page);
  assert.deepEqual(errorsOf(page), []);
});

test('the tier speaks Russian', kOptions, async () => {
  await openCard(member_id);
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();
  await panel().getByRole('heading', { name: 'Лояльность' }).waitFor({ timeout: kWaitMs });
  assert.match(await panel().getByTestId('tier-benefits').textContent(), /Скидка 5%/);
  assert.match(await panel().getByTestId('tier-reach').textContent(), /^Потратьте ещё 350,00\s€ или совершите ещё 4 покупки, чтобы перейти на уровень Gold$/);
  assert.match(await panel().textContent(), /Приветственный бонус/);
  assert.match(await panel().textContent(), /Рекомендации/);
  await saveScreenshot(page, 'programme-ru.png');
  await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
  assert.deepEqual(errorsOf(page), []);
});
