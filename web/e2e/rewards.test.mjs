// Browser tests of the rewards catalogue and redemptions against a real `rapport serve` (see
// harness.mjs), signed in as the first admin. They run in order and share one page. On the
// Rewards page: a price of 0 is refused next to its field (the server's 422), then "Coffee mug"
// (80 points, stock 5) is created, its stock changed to 6 through Edit, and it is switched off and
// on again (screenshot rewards-catalogue.png). Through the API from the page: two more rewards
// (a 30-point tote bag, a 150-point cinema ticket), a client and a 120.00 EUR purchase, which the
// default programme turns into 120 points. On the card: the ticket is offered but cannot be
// redeemed ("Needs 30 more points"); redeeming the mug after the confirmation takes the balance
// to 40, lists the redemption and takes one from the stock (screenshot rewards-card.png); when
// the points are spent elsewhere meanwhile, redeeming the bag is refused with the server's reason
// and the panel shows the new balance; cancelling both redemptions gives the 120 points and the
// stock back; the rewards speak Russian. Any console error (a CSP violation is one) fails a test.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callApi, dropConsoleErrors, errorsOf, kNeedsLoyaltyApi, saveScreenshot, startEnglishPage } from './harness.mjs';

const kWaitMs = 30_000;  // an upper bound for the page to reach a state, never a performance check

const kOptions = kNeedsLoyaltyApi;

let server;
let browser;
let page;
let contact_id;
const reward_ids = {};  // by name

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

function panel() {
  return page.getByTestId('loyalty-panel');
}

async function waitForBalance(points) {
  await panel().locator(`[data-testid="loyalty-balance"][data-points="${points}"]`).waitFor({ timeout: kWaitMs });
}

// A reward offered on the card, by name.
function offered(name) {
  return panel().locator(`[data-testid="card-reward"][data-name="${name}"]`);
}

function redemptionRow(id) {
  return panel().locator(`[data-testid="redemption-row"][data-redemption-id="${id}"]`);
}

async function createReward(body) {
  const created = await api('POST', '/api/v1/rewards', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  reward_ids[body.name] = created.body.id;
  return created.body;
}

test('the catalogue shows a refused value next to its field, then creates, edits and switches a reward', kOptions, async () => {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Rewards' }).click();
  await page.waitForURL(`${server.url}/loyalty/rewards`);
  const form = page.getByTestId('create-reward-form');
  await form.waitFor({ timeout: kWaitMs });
  await form.getByLabel('Name', { exact: true }).fill('Coffee mug');
  await form.getByLabel('Description', { exact: true }).fill('Ceramic, 300 ml');
  await form.getByLabel('Price in points', { exact: true }).fill('0');
  await form.getByLabel('Stock', { exact: true }).fill('5');
  await form.getByRole('button', { name: 'Create reward' }).click();

  // The server refuses a price of 0; the page says so next to the price.
  const price_error = page.locator('#reward-new-points_price-error');
  await price_error.waitFor({ timeout: kWaitMs });
  assert.match(await price_error.textContent(), /between 1 and/);
  assert.equal(await form.getByLabel('Price in points', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByTestId('reward-row').count(), 0);
  const none = await api('GET', '/api/v1/rewards?include_inactive=true');
  assert.deepEqual(none.body.items, []);

  await form.getByLabel('Price in points', { exact: true }).fill('80');
  await form.getByRole('button', { name: 'Create reward' }).click();
  await page.getByTestId('rewards-notice').filter({ hasText: 'Reward “Coffee mug” created.' }).waitFor({ timeout: kWaitMs });
  const row = page.locator('[data-testid="reward-row"][data-name="Coffee mug"]');
  await row.waitFor({ timeout: kWaitMs });
  assert.equal(await row.getAttribute('data-state'), 'available');
  assert.equal((await row.getByTestId('reward-price').textContent()).trim(), '80 points');
  assert.equal((await row.getByTestId('reward-stock').textContent()).trim(), '5');
  assert.equal((await row.getByTestId('reward-window').textContent()).trim(), 'always');
  assert.equal(await page.locator('#reward-new-points_price-error').count(), 0);
  const listed = await api('GET', '/api/v1/rewards');
  assert.equal(listed.body.items.length, 1);
  const stored = listed.body.items[0];
  reward_ids['Coffee mug'] = stored.id;
  assert.deepEqual([stored.name, stored.description, stored.kind, stored.points_price, stored.stock, stored.per_customer_limit, stored.active], ['Coffee mug', 'Ceramic, 300 ml', 'goods', 80, 5, null, true]);

  // Edit sends the changed stock.
  await row.getByTestId('reward-edit').click();
  const edit = page.getByTestId('edit-reward-form');
  await edit.waitFor({ timeout: kWaitMs });
  assert.equal(await edit.getByLabel('Stock', { exact: true }).inputValue(), '5');
  await edit.getByLabel('Stock', { exact: true }).fill('6');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByTestId('rewards-notice').filter({ hasText: 'Reward “Coffee mug” saved.' }).waitFor({ timeout: kWaitMs });
  await page.locator('[data-testid="reward-row"][data-name="Coffee mug"][data-stock="6"]').waitFor({ timeout: kWaitMs });
  assert.equal(await page.getByTestId('edit-reward-form').count(), 0);
  assert.equal((await api('GET', `/api/v1/rewards/${stored.id}`)).body.stock, 6);

  // Switched off, it leaves the list unless inactive rewards are included; switched on again.
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByTestId('rewards-notice').filter({ hasText: 'Reward “Coffee mug” deactivated.' }).waitFor({ timeout: kWaitMs });
  await row.waitFor({ state: 'detached', timeout: kWaitMs });
  await page.getByTestId('rewards-include-inactive').check();
  const inactive = page.locator('[data-testid="reward-row"][data-name="Coffee mug"][data-state="inactive"]');
  await inactive.waitFor({ timeout: kWaitMs });
  await inactive.getByRole('button', { name: 'Activate' }).click();
  await page.getByTestId('rewards-notice').filter({ hasText: 'Reward “Coffee mug” activated.' }).waitFor({ timeout: kWaitMs });
  await page.locator('[data-testid="reward-row"][data-name="Coffee mug"][data-state="available"]').waitFor({ timeout: kWaitMs });
  assert.equal((await api('GET', `/api/v1/rewards/${stored.id}`)).body.active, true);
  await saveScreenshot(page, 'rewards-catalogue.png');
  dropConsoleErrors(page, /status of 422/);
  assert.deepEqual(errorsOf(page), []);
});

test('a member redeems a reward on the card: the balance drops and the redemption is listed', kOptions, async () => {
  await createReward({ name: 'Tote bag', points_price: 30 });
  await createReward({ name: 'Cinema ticket', points_price: 150, kind: 'discount', stock: 10 });
  const created = await api('POST', '/api/v1/contacts', { first_name: 'Olga', last_name: 'Ivanova', email: 'olga@example.com', roles: ['customer'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  contact_id = created.body.id;
  const purchase = await api('POST', '/api/v1/purchases', {
    contact_id,
    total_minor: 12000,
    currency: 'EUR',
    occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  assert.equal(purchase.status, 201, JSON.stringify(purchase.body));
  assert.equal(purchase.body.points_balance, 120);

  await page.goto(`${server.url}/contacts/${contact_id}`);
  await panel().waitFor({ timeout: kWaitMs });
  await waitForBalance(120);
  await offered('Cinema ticket').waitFor({ timeout: kWaitMs });
  // Cheapest first.
  assert.deepEqual(await panel().getByTestId('card-reward').evaluateAll((rows) => rows.map((row) => row.dataset.name)), ['Tote bag', 'Coffee mug', 'Cinema ticket']);
  // The ticket costs more than the balance: offered, but not redeemable, and the row says why.
  const ticket = offered('Cinema ticket');
  assert.equal(await ticket.getAttribute('data-redeemable'), 'false');
  assert.equal(await ticket.getAttribute('data-block'), 'insufficient_points');
  assert.equal((await ticket.getByTestId('reward-why').textContent()).trim(), 'Needs 30 more points');
  assert.equal(await ticket.getByTestId('redeem-button').isDisabled(), true);
  const mug = offered('Coffee mug');
  assert.equal(await mug.getAttribute('data-redeemable'), 'true');
  assert.equal((await mug.getByTestId('card-reward-price').textContent()).trim(), '80 points');
  assert.equal((await mug.getByTestId('reward-why').textContent()).trim(), 'Leaves 40 points');
  assert.equal(await panel().getByTestId('redemption-row').count(), 0);

  await mug.getByTestId('redeem-button').click();
  const confirm = mug.getByTestId('redeem-confirm');
  await confirm.waitFor({ timeout: kWaitMs });
  assert.match(await confirm.textContent(), /Redeem “Coffee mug” for 80 points\? The balance becomes 40\./);
  // Nothing is spent before the confirmation.
  assert.equal((await api('GET', `/api/v1/contacts/${contact_id}/redemptions`)).body.items.length, 0);
  await confirm.getByRole('button', { name: 'Yes, redeem' }).click();

  await waitForBalance(40);
  await panel().getByTestId('loyalty-notice').filter({ hasText: 'Reward “Coffee mug” redeemed for 80 points. Balance: 40.' }).waitFor({ timeout: kWaitMs });
  const redemptions = await api('GET', `/api/v1/contacts/${contact_id}/redemptions`);
  assert.equal(redemptions.body.items.length, 1);
  const redemption = redemptions.body.items[0];
  assert.deepEqual([redemption.reward_id, redemption.points, redemption.state], [reward_ids['Coffee mug'], 80, 'active']);
  assert.match(redemption.external_id, /^ui-[0-9a-f]{24}$/);
  const row = redemptionRow(redemption.id);
  await row.waitFor({ timeout: kWaitMs });
  assert.equal(await row.getAttribute('data-state'), 'active');
  assert.match(await row.textContent(), /Coffee mug/);
  assert.match(await row.textContent(), /-80/);
  assert.match(await row.textContent(), /redeemed/);
  // The statement shows the points spent, and the stock on the card is one less.
  const spent = panel().locator('[data-testid="ledger-row"][data-kind="redeem"]');
  await spent.waitFor({ timeout: kWaitMs });
  assert.match(await spent.getByTestId('ledger-points').textContent(), /-80/);
  await panel().locator('[data-testid="card-reward"][data-name="Coffee mug"][data-stock="5"]').waitFor({ timeout: kWaitMs });
  // With 40 points left, the mug itself is out of reach now.
  await panel().locator('[data-testid="card-reward"][data-name="Coffee mug"][data-block="insufficient_points"]').waitFor({ timeout: kWaitMs });
  assert.equal((await offered('Coffee mug').getByTestId('reward-why').textContent()).trim(), 'Needs 40 more points');
  await saveScreenshot(page, 'rewards-card.png');
  assert.deepEqual(errorsOf(page), []);
});

test('points spent elsewhere meanwhile: the redemption is refused with the server\'s reason', kOptions, async () => {
  const bag = offered('Tote bag');
  assert.equal(await bag.getAttribute('data-redeemable'), 'true');
  // The till spends 30 of the 40 points while the card still shows 40.
  const till = await api('POST', '/api/v1/redemptions', { contact_id, reward_id: reward_ids['Tote bag'], external_id: 'till-1' });
  assert.equal(till.status, 201, JSON.stringify(till.body));
  assert.equal(till.body.points_balance, 10);
  assert.equal(await panel().getByTestId('loyalty-balance').getAttribute('data-points'), '40');

  await bag.getByTestId('redeem-button').click();
  await bag.getByTestId('redeem-confirm').getByRole('button', { name: 'Yes, redeem' }).click();
  const refusal = panel().locator('[data-testid="rewards-refusal"][data-code="insufficient_points"]');
  await refusal.waitFor({ timeout: kWaitMs });
  assert.match(await refusal.textContent(), /Not enough points\./);
  assert.match(await refusal.textContent(), /The server says: not enough points: the balance is 10 points, 30 needed/);
  // The panel reloads: the new balance, the till's redemption above the mug's, the bag out of reach.
  await waitForBalance(10);
  await redemptionRow(till.body.redemption.id).waitFor({ timeout: kWaitMs });
  assert.deepEqual(
    await panel().getByTestId('redemption-row').evaluateAll((rows) => rows.map((row) => row.dataset.rewardId)),
    [String(reward_ids['Tote bag']), String(reward_ids['Coffee mug'])],
  );
  await panel().locator('[data-testid="card-reward"][data-name="Tote bag"][data-block="insufficient_points"]').waitFor({ timeout: kWaitMs });
  // The refusal stays on screen after the reload, and nothing more was spent.
  assert.equal(await refusal.count(), 1);
  assert.equal((await api('GET', `/api/v1/contacts/${contact_id}/redemptions`)).body.items.length, 2);
  dropConsoleErrors(page, /status of 409/);
  assert.deepEqual(errorsOf(page), []);
});

test('cancelling the redemptions on the card gives the points and the stock back', kOptions, async () => {
  const listed = (await api('GET', `/api/v1/contacts/${contact_id}/redemptions`)).body.items;
  const [bag_redemption, mug_redemption] = listed;
  for (const [redemption, balance_after] of [
    [bag_redemption, 40],
    [mug_redemption, 120],
  ]) {
    const row = redemptionRow(redemption.id);
    await row.getByTestId('cancel-redemption').click();
    const confirm = row.getByTestId('cancel-confirm');
    await confirm.waitFor({ timeout: kWaitMs });
    assert.match(await confirm.textContent(), new RegExp(`The client gets ${redemption.points} points back`));
    await confirm.getByRole('button', { name: 'Yes, cancel it' }).click();
    await waitForBalance(balance_after);
    await panel().locator(`[data-testid="redemption-row"][data-redemption-id="${redemption.id}"][data-state="cancelled"]`).waitFor({ timeout: kWaitMs });
    assert.match(await panel().getByTestId('loyalty-notice').textContent(), new RegExp(`cancelled: ${redemption.points} points given back\\. Balance: ${balance_after}\\.`));
  }
  assert.match(await redemptionRow(mug_redemption.id).textContent(), /cancelled/);
  assert.equal(await panel().getByTestId('cancel-redemption').count(), 0);
  await panel().locator('[data-testid="ledger-row"][data-kind="redeem_cancel"][data-points="80"]').waitFor({ timeout: kWaitMs });
  await panel().locator('[data-testid="card-reward"][data-name="Coffee mug"][data-stock="6"][data-redeemable="true"]').waitFor({ timeout: kWaitMs });
  const stored = (await api('GET', `/api/v1/contacts/${contact_id}/redemptions`)).body.items;
  assert.deepEqual(stored.map((item) => item.state), ['cancelled', 'cancelled']);
  assert.equal((await api('GET', `/api/v1/contacts/${contact_id}/loyalty`)).body.points_balance, 120);
  assert.equal((await api('GET', `/api/v1/rewards/${reward_ids['Coffee mug']}`)).body.stock, 6);
  assert.deepEqual(errorsOf(page), []);
});

test('the rewards speak Russian', kOptions, async () => {
  await page.getByRole('group', { name: 'Language' }).getByRole('button', { name: 'RU' }).click();
  await panel().getByRole('heading', { name: 'Лояльность' }).waitFor({ timeout: kWaitMs });
  const text = await panel().textContent();
  assert.match(text, /Вознаграждения/);
  assert.match(text, /Полученные вознаграждения/);
  assert.match(text, /Можно списать: 120 баллов\./);
  assert.equal((await offered('Coffee mug').getByTestId('card-reward-price').textContent()).trim(), '80 баллов');
  assert.equal((await offered('Cinema ticket').getByTestId('reward-why').textContent()).trim(), 'Не хватает 30 баллов');
  assert.equal((await offered('Coffee mug').getByTestId('redeem-button').textContent()).trim(), 'Списать баллы');
  assert.match(await panel().getByTestId('redemption-row').first().textContent(), /отменено/);
  await saveScreenshot(page, 'rewards-ru.png');
  await page.getByRole('group', { name: 'Язык' }).getByRole('button', { name: 'EN' }).click();
  await panel().getByRole('heading', { name: 'Loyalty' }).waitFor({ timeout: kWaitMs });
  assert.deepEqual(errorsOf(page), []);
});
