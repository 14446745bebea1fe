// @ts-check
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');
const { openBoard, post, messageTexts } = require('./helpers');

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

test('the background buttons change the colour, and it persists across a reload', async ({ page }, testInfo) => {
  await openBoard(page, server.url + '/b/colors');
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.getByRole('button', { name: 'Background mint' }).click();
  expect(await bg()).toBe('rgb(223, 245, 230)');
  await page.getByRole('button', { name: 'Background charcoal' }).click();
  expect(await bg()).toBe('rgb(43, 43, 43)');
  expect(await page.evaluate(() => getComputedStyle(document.body).color)).toBe('rgb(245, 245, 245)');
  await page.reload();
  await expect(page.getByRole('status')).toHaveText('online', { timeout: 15_000 });
  expect(await bg()).toBe('rgb(43, 43, 43)');
  await page.screenshot({ path: testInfo.outputPath('charcoal.png') });
});

test('a reload shows the history', async ({ page }, testInfo) => {
  await openBoard(page, server.url + '/b/history');
  for (const t of ['one', 'two', 'three']) await post(page, t);
  await expect(page.locator('li[data-seq]')).toHaveCount(3, { timeout: 5_000 });
  await page.reload();
  // Already in the pre-rendered HTML, and still there once the app runs.
  await expect(page.locator('li[data-seq] .text')).toHaveText(['one', 'two', 'three']);
  await expect(page.getByRole('status')).toHaveText('online', { timeout: 15_000 });
  expect(await messageTexts(page)).toEqual(['one', 'two', 'three']);
  await page.screenshot({ path: testInfo.outputPath('history.png') });
});
