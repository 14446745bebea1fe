// @ts-check
const { test, expect } = require('@playwright/test');

// Contexts made from the shared browser are closed after each test, so no
// page of one test keeps reconnecting during the next.
test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });
const { startServer } = require('./server');
const { openBoard, post } = require('./helpers');

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

test('a half-typed draft is untouched when someone else posts, and the caret stays', async ({ browser }, testInfo) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/draft');
  await openBoard(b, server.url + '/b/draft');
  const box = a.getByLabel('Message', { exact: true });
  await box.click();
  await a.keyboard.type('halfway through a 문장');
  await post(b, 'interruption 1');
  await post(b, 'interruption 2');
  await expect(a.locator('li[data-seq] .text')).toHaveText(['interruption 1', 'interruption 2'], { timeout: 5_000 });
  await expect(box).toHaveValue('halfway through a 문장');
  await expect(box).toBeFocused();
  const caret = await box.evaluate((el) => [el.selectionStart, el.value.length]);
  expect(caret[0]).toBe(caret[1]);
  await a.keyboard.type(' and more'); // typing goes on where it was
  await expect(box).toHaveValue('halfway through a 문장 and more');
  await a.screenshot({ path: testInfo.outputPath('draft.png') });
});

test('the draft survives a reload; Shift+Enter is a newline', async ({ page }, testInfo) => {
  await openBoard(page, server.url + '/b/draft2');
  const box = page.getByLabel('Message', { exact: true });
  await box.click();
  await page.keyboard.type('first line');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('second line');
  await page.reload();
  await expect(page.getByRole('status')).toHaveText('online', { timeout: 15_000 });
  await expect(box).toHaveValue('first line\nsecond line');
  await page.screenshot({ path: testInfo.outputPath('reloaded.png') });
});

test('text typed before the Wasm starts is kept, and a form sent before it is posted', async ({ page }, testInfo) => {
  // Hold app.wasm back, so that the pre-rendered page is what the user has.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/web/app.wasm', async (route) => { await held; await route.continue(); });
  await page.goto(server.url + '/b/early');
  const box = page.getByLabel('Message', { exact: true });
  await box.click();
  await page.keyboard.type('typed early 가나');
  release();
  await expect(page.getByRole('status')).toHaveText('online', { timeout: 15_000 });
  await expect(box).toHaveValue('typed early 가나');

  // A second page submits the classic form before its Wasm loads.
  const other = await page.context().newPage();
  await other.route('**/web/app.wasm', (route) => route.abort());
  await other.goto(server.url + '/b/early');
  await other.getByLabel('Message', { exact: true }).fill('sent by the form 한글 😀');
  await other.getByRole('button', { name: 'Send' }).click();
  await other.waitForURL(server.url + '/b/early');
  await expect(other.locator('li[data-seq] .text')).toHaveText(['sent by the form 한글 😀']);
  await expect(page.locator('li[data-seq] .text')).toHaveText(['sent by the form 한글 😀'], { timeout: 5_000 });
  await page.screenshot({ path: testInfo.outputPath('early.png') });
});
