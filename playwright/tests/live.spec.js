// @ts-check
const { test, expect } = require('@playwright/test');

// Contexts made from the shared browser are closed after each test, so no
// page of one test keeps reconnecting during the next.
test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });
const { startServer } = require('./server');
const { openBoard, post, messageTexts } = require('./helpers');

test('a post in one browser appears in another without a reload', async ({ browser }, testInfo) => {
  const server = await startServer();
  try {
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    await openBoard(a, server.url + '/b/live');
    await openBoard(b, server.url + '/b/live');
    await post(a, 'hello from A');
    await expect(b.locator('[role=log] ol li[data-seq] .text')).toHaveText(['hello from A'], { timeout: 5_000 });
    await expect(a.locator('li[data-pending]')).toHaveCount(0, { timeout: 5_000 });
    await expect(a.locator('.online')).toHaveText('2 online', { timeout: 5_000 });
    await a.screenshot({ path: testInfo.outputPath('a.png') });
    await b.screenshot({ path: testInfo.outputPath('b.png') });
  } finally {
    await server.stop();
  }
});
