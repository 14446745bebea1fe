// @ts-check
const { test, expect } = require('@playwright/test');

// Contexts made from the shared browser are closed after each test, so no
// page of one test keeps reconnecting during the next.
test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });
const { startServer, freePort, apiMessages } = require('./server');
const { openBoard, waitOnline, post } = require('./helpers');

test('after a server restart the clients reconnect, and what was posted meanwhile arrives once', async ({ browser }, testInfo) => {
  const port = await freePort();
  let server = await startServer({ port });
  const dataDir = server.dataDir;
  try {
    const a = await (await browser.newContext()).newPage();
    const b = await (await browser.newContext()).newPage();
    await openBoard(a, server.url + '/b/restart');
    await openBoard(b, server.url + '/b/restart');
    await post(a, 'before');
    await expect(b.locator('li[data-seq] .text')).toHaveText(['before'], { timeout: 5_000 });

    await server.stop();
    await expect(a.getByRole('status')).toHaveText('reconnecting', { timeout: 5_000 });
    await expect(b.getByRole('status')).toHaveText('reconnecting', { timeout: 5_000 });
    await post(a, 'while down');
    await expect(a.locator('li[data-pending] .text')).toHaveText(['while down']);

    server = await startServer({ port, dataDir });
    await fetch(server.url + '/api/boards/restart/messages', {
      method: 'POST', body: JSON.stringify({ id: 'api-1', text: 'from the API', token: 'api-token-0123456789' }),
    });
    for (const p of [a, b]) {
      await waitOnline(p, 20_000);
      await expect(p.locator('li[data-seq] .text')).toHaveText(['before', 'from the API', 'while down'], { timeout: 10_000 });
      await expect(p.locator('li[data-pending]')).toHaveCount(0);
    }
    expect((await apiMessages(server.url, 'restart')).map((m) => m.text)).toEqual(['before', 'from the API', 'while down']);
    await a.screenshot({ path: testInfo.outputPath('a.png') });
  } finally {
    await server.stop();
  }
});

test('offline: a post is pending, survives a reload, and is delivered once when back online', async ({ browser }, testInfo) => {
  const server = await startServer();
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await openBoard(page, server.url + '/b/offline');
    // The service worker must hold the app shell before we go offline.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload();
    await waitOnline(page);

    await ctx.setOffline(true);
    await expect(page.getByRole('status')).toHaveText('offline', { timeout: 5_000 });
    await post(page, 'written offline 오프라인');
    await expect(page.locator('li[data-pending] .text')).toHaveText(['written offline 오프라인']);

    await page.reload(); // served by the service worker
    await expect(page.locator('#app-wasm-loader')).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByRole('status')).toHaveText('offline', { timeout: 5_000 });
    await expect(page.locator('li[data-pending] .text')).toHaveText(['written offline 오프라인']);
    await page.screenshot({ path: testInfo.outputPath('offline.png') });

    await ctx.setOffline(false);
    await waitOnline(page, 20_000);
    await expect(page.locator('li[data-seq] .text')).toHaveText(['written offline 오프라인'], { timeout: 10_000 });
    await expect(page.locator('li[data-pending]')).toHaveCount(0);
    expect((await apiMessages(server.url, 'offline')).length).toBe(1);
    // An emptied outbox, and a draft typed and then erased, leave no key
    // behind: go-app reads every key of local storage at each start.
    const box = page.getByLabel('Message', { exact: true });
    await box.fill('not sent');
    await expect.poll(() => page.evaluate(() => localStorage.getItem('liveboard.draft.offline'))).toBe('"not sent"');
    await box.fill('');
    const leftovers = () => page.evaluate(() => Object.keys(localStorage).filter((k) => /^liveboard\.(outbox|draft)\./.test(k)));
    await expect.poll(leftovers).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('online-again.png') });
  } finally {
    await server.stop();
  }
});

test('a real cut (server frozen with SIGSTOP) is noticed by the heartbeat; the post is delivered once after', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  // This spec failed once in about 20 runs, with the page silent after
  // SIGCONT; what the page logged goes with every run, for the next one.
  const logs = [];
  const t0 = Date.now();
  page.on('console', (m) => logs.push(`${Date.now() - t0} ms ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`${Date.now() - t0} ms pageerror: ${e.message}`));
  const server = await startServer();
  try {
    await openBoard(page, server.url + '/b/frozen');
    server.proc.kill('SIGSTOP');
    // setOffline would not cut an open socket; a frozen server does, silently.
    await expect(page.getByRole('status')).toHaveText('reconnecting', { timeout: 40_000 });
    await post(page, 'during the cut');
    await expect(page.locator('li[data-pending] .text')).toHaveText(['during the cut']);
    server.proc.kill('SIGCONT');
    await waitOnline(page, 30_000);
    await expect(page.locator('li[data-seq] .text')).toHaveText(['during the cut'], { timeout: 10_000 });
    await expect(page.locator('li[data-pending]')).toHaveCount(0);
    expect((await apiMessages(server.url, 'frozen')).length).toBe(1);
    await page.screenshot({ path: testInfo.outputPath('after-cut.png') });
  } finally {
    server.proc.kill('SIGCONT');
    await server.stop();
    await testInfo.attach('console', { body: logs.join('\n'), contentType: 'text/plain' });
  }
});
