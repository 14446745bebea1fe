// @ts-check
const { test, expect } = require('@playwright/test');

// Contexts made from the shared browser are closed after each test, so no
// page of one test keeps reconnecting during the next.
test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });
const { startServer, apiMessages } = require('./server');
const { openBoard, post } = require('./helpers');

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

const texts = ['가나다라마바사', '???', '😀 👍🏽 🇰🇷 👨‍👩‍👧', 'line one\nline two\n\nline four', 'שלום עולם'];

test('Korean, ???, emoji and multi-line text show exactly as typed, in both browsers', async ({ browser }, testInfo) => {
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/text');
  await openBoard(b, server.url + '/b/text');
  for (const t of texts) {
    const box = a.getByLabel('Message', { exact: true });
    await box.fill(t);
    await a.getByRole('button', { name: 'Send' }).click();
  }
  for (const p of [a, b]) {
    await expect(p.locator('li[data-seq] .text')).toHaveText(texts, { timeout: 5_000 });
    // innerText keeps the line breaks as shown.
    expect(await p.locator('li[data-seq] .text').nth(3).innerText()).toBe(texts[3]);
  }
  await b.screenshot({ path: testInfo.outputPath('b.png') });
});

test('Enter during IME composition does not send; Enter after it does', async ({ page }, testInfo) => {
  await openBoard(page, server.url + '/b/ime');
  const box = page.getByLabel('Message', { exact: true });
  await box.focus();
  const cdp = await page.context().newCDPSession(page);
  // Compose 한 through the IME, and press Enter while still composing.
  await cdp.send('Input.imeSetComposition', { text: 'ㅎ', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '하', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: '한', selectionStart: 1, selectionEnd: 1 });
  await box.evaluate((el) => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true }));
  });
  await cdp.send('Input.insertText', { text: '한' }); // commits the composition
  await expect(box).toHaveValue('한');
  await box.press('Enter');
  await expect(page.locator('li[data-seq] .text')).toHaveText(['한'], { timeout: 5_000 });
  await expect(box).toHaveValue('');
  // The absence, proved by a later event: once nothing is pending every
  // post made is stored, and the Enter during composition made none.
  await expect(page.locator('li[data-pending]')).toHaveCount(0, { timeout: 5_000 });
  expect((await apiMessages(server.url, 'ime')).map((m) => m.text)).toEqual(['한']);
  await page.screenshot({ path: testInfo.outputPath('ime.png') });
});

test('HTML in a message is shown as text and runs nothing', async ({ browser }, testInfo) => {
  const xss = '<img src=x onerror=alert(1)><script>alert(2)</script>';
  const a = await (await browser.newContext()).newPage();
  const b = await (await browser.newContext()).newPage();
  let dialogs = 0;
  for (const p of [a, b]) p.on('dialog', (d) => { dialogs++; d.dismiss(); });
  await openBoard(a, server.url + '/b/xss');
  await openBoard(b, server.url + '/b/xss');
  await post(a, xss);
  await expect(b.locator('li[data-seq] .text')).toHaveText([xss], { timeout: 5_000 });
  // And in the server's pre-rendered page too.
  await b.reload();
  await expect(b.locator('li[data-seq] .text')).toHaveText([xss], { timeout: 5_000 });
  expect(await b.locator('[role=log] ol img').count()).toBe(0);
  expect(dialogs).toBe(0);
  await b.screenshot({ path: testInfo.outputPath('xss.png') });
});
