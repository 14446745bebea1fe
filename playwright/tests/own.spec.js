// @ts-check
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');
const { openBoard, post } = require('./helpers');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

test('own messages can be edited and deleted, and others see it', async ({ browser }, testInfo) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/own');
  await openBoard(b, server.url + '/b/own');
  await post(a, 'first draft');
  await post(b, 'not yours');
  const mine = a.locator('li[data-seq]').filter({ hasText: 'first draft' });
  await expect(mine).toHaveClass(/own/, { timeout: 5_000 });
  await expect(a.locator('li[data-seq]').filter({ hasText: 'not yours' }).locator('.actions')).toBeHidden();

  a.once('dialog', (d) => d.accept('second draft'));
  await mine.getByRole('button', { name: 'Edit' }).click();
  const seen = b.locator('li[data-seq]').first();
  await expect(seen.locator('.text')).toHaveText('second draft', { timeout: 5_000 });
  await expect(seen.locator('.status')).toHaveText('(edited)');

  a.once('dialog', (d) => d.accept());
  await a.locator('li[data-seq]').first().getByRole('button', { name: 'Delete' }).click();
  await expect(seen).toHaveClass(/deleted/, { timeout: 5_000 });
  await expect(seen.locator('.text')).toHaveText('(deleted)');
  await b.screenshot({ path: testInfo.outputPath('b.png') });
});

test('the tab title counts unread messages while the tab is hidden', async ({ browser }) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/unread');
  await openBoard(b, server.url + '/b/unread');
  await a.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await post(b, 'one');
  await post(b, 'two');
  await expect(a).toHaveTitle(/^\(2\) unread/, { timeout: 5_000 });
  await a.evaluate(() => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => false });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await expect(a).toHaveTitle(/^unread/, { timeout: 5_000 });
});

test('scrolled up, new messages show a button instead of moving the list', async ({ browser }) => {
  for (let i = 0; i < 40; i++) {
    await fetch(server.url + '/api/boards/scroll/messages', { method: 'POST', body: JSON.stringify({ id: 's' + i, text: 'line ' + i, token: 'scroll-token-0123456789' }) });
  }
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/scroll');
  await openBoard(b, server.url + '/b/scroll');
  const list = a.locator('#messages');
  await list.evaluate((el) => { el.scrollTop = 0; });
  await post(b, 'news');
  await expect(a.locator('li[data-seq] .text').last()).toHaveText('news', { timeout: 5_000 });
  await expect(a.getByRole('button', { name: /New messages/ })).toBeVisible();
  expect(await list.evaluate((el) => el.scrollTop)).toBe(0);
  await a.getByRole('button', { name: /New messages/ }).click();
  await expect(a.getByRole('button', { name: /New messages/ })).toBeHidden();
  expect(await list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(80);
});
