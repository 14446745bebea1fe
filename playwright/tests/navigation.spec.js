// @ts-check
const { test, expect } = require('@playwright/test');
const { startServer, apiMessages } = require('./server');
const { openBoard, waitOnline, post } = require('./helpers');

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

test('links and Back/Forward move the socket to the other board', async ({ page }, testInfo) => {
  await openBoard(page, server.url + '/');
  await post(page, 'in the lobby');
  await expect(page.locator('li[data-seq] .text')).toHaveText(['in the lobby'], { timeout: 5_000 });
  await page.getByRole('link', { name: 'random' }).click();
  await expect(page).toHaveURL(server.url + '/b/random');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('random');
  await waitOnline(page);
  await expect(page.locator('li[data-seq]')).toHaveCount(0);
  await post(page, 'on random');
  await expect(page.locator('li[data-seq] .text')).toHaveText(['on random'], { timeout: 5_000 });
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('lobby');
  await waitOnline(page);
  await expect(page.locator('li[data-seq] .text')).toHaveText(['in the lobby'], { timeout: 5_000 });
  expect((await apiMessages(server.url, 'random')).map((m) => m.text)).toEqual(['on random']);
  expect((await apiMessages(server.url, 'lobby')).map((m) => m.text)).toEqual(['in the lobby']);
  await page.screenshot({ path: testInfo.outputPath('back.png') });
});

test('a flood shows a polite notice and nothing is lost; the counter appears near the limit', async ({ page, context }, testInfo) => {
  await openBoard(page, server.url + '/b/flood');
  // Typed offline, the 24 posts wait in the outbox and go out back to back
  // when the link is back: over the limit of 20 however slowly they were
  // typed (typed online on a loaded machine, the bucket could refill).
  await context.setOffline(true);
  await expect(page.getByRole('status')).toHaveText('offline');
  for (let i = 0; i < 24; i++) await post(page, 'flood ' + i);
  await expect(page.locator('li[data-pending]')).toHaveCount(24);
  await context.setOffline(false);
  await expect(page.locator('.notice')).toContainText('posting quickly', { timeout: 5_000 });
  // The limited posts stay in the outbox and go out again until taken.
  await expect.poll(async () => (await apiMessages(server.url, 'flood')).length, { timeout: 30_000 }).toBe(24);
  await expect(page.locator('li[data-pending]')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.locator('li[data-seq]')).toHaveCount(24);

  const box = page.getByLabel('Message', { exact: true });
  await box.fill('가'.repeat(3800));
  await expect(page.locator('.counter')).toHaveText('200 left');
  await box.fill('가'.repeat(4001));
  await box.press('Enter');
  await expect(page.locator('.notice')).toContainText('too long');
  await page.screenshot({ path: testInfo.outputPath('notice.png') });
});
