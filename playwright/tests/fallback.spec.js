// @ts-check
// Where WebSocket is blocked the app reads over SSE and writes through the
// HTTP API, and it comes back to WebSocket when it can.
const { test, expect } = require('@playwright/test');
const { startServer, apiMessages } = require('./server');
const { openBoard, waitOnline, post } = require('./helpers');
const { startHTMLProxy } = require('./wsblock');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

// Short windows: SSE beside a silent socket after 1 s, WebSocket tried
// again every 2 s.
const shortWindows = () => { window.liveboardTest = { welcomeTimeoutMs: 1000, webSocketRetryMs: 2000 }; };

const blockers = {
  // /ws refused at once, as a firewall resets it.
  'closes at once': async (page, gate) => page.routeWebSocket(/\/ws/, (ws) => { if (gate.block) ws.close(); else ws.connectToServer(); }),
  // /ws accepted and then silent, as a proxy that swallows the upgrade.
  'stays silent': async (page, gate) => page.routeWebSocket(/\/ws/, (ws) => { if (!gate.block) ws.connectToServer(); }),
  // /ws answered with a web page (status 200).
  'answers with HTML': null,
};

for (const [how, route] of Object.entries(blockers)) {
  test(`/ws that ${how}: online over SSE both ways, edit and delete, a post from a cut sent once, and back to WebSocket`, async ({ browser }, testInfo) => {
    test.setTimeout(90_000);
    const server = await startServer();
    const proxy = route ? null : await startHTMLProxy(server.url);
    const gate = proxy ? proxy.state : { block: true };
    try {
      const base = proxy ? proxy.url : server.url;
      const ctxA = await browser.newContext();
      await ctxA.addInitScript(shortWindows);
      const a = await ctxA.newPage();
      if (route) await route(a, gate);
      const b = await (await browser.newContext()).newPage();

      await openBoard(a, base + '/b/fallback');
      const status = a.getByRole('status');
      await expect(status).toHaveAttribute('data-transport', 'sse');
      await expect(a.locator('.fallback')).toBeVisible();
      await openBoard(b, server.url + '/b/fallback');
      await expect(b.getByRole('status')).toHaveAttribute('data-transport', 'websocket');
      await expect(b.locator('.fallback')).toBeHidden();

      await post(a, 'from SSE 안녕');
      await expect(b.locator('li[data-seq] .text')).toHaveText(['from SSE 안녕'], { timeout: 10_000 });
      await post(b, 'from WebSocket');
      await expect(a.locator('li[data-seq] .text')).toHaveText(['from SSE 안녕', 'from WebSocket'], { timeout: 10_000 });
      await expect(a.locator('li[data-pending]')).toHaveCount(0);

      const mineSeq = await a.locator('li[data-seq]').filter({ hasText: 'from SSE' }).getAttribute('data-seq');
      const mine = a.locator(`li[data-seq="${mineSeq}"]`);
      a.once('dialog', (d) => d.accept('edited over the API'));
      await mine.getByRole('button', { name: 'Edit' }).click();
      await expect(b.locator('li[data-seq]').first().locator('.text')).toHaveText('edited over the API', { timeout: 10_000 });
      await expect(mine.locator('.text')).toHaveText('edited over the API', { timeout: 10_000 });

      await post(a, 'to be deleted');
      const doomed = a.locator('li[data-seq]').filter({ hasText: 'to be deleted' });
      await expect(doomed).toHaveCount(1, { timeout: 10_000 });
      a.once('dialog', (d) => d.accept());
      await doomed.getByRole('button', { name: 'Delete' }).click();
      await expect(b.locator('li.deleted .text')).toHaveText(['(deleted)'], { timeout: 10_000 });

      // A cut: the post waits in the outbox and goes once.
      await ctxA.setOffline(true);
      await expect(status).toHaveText('offline');
      await post(a, 'written during the cut');
      await expect(a.locator('li[data-pending] .text')).toHaveText(['written during the cut']);
      await ctxA.setOffline(false);
      await expect(b.locator('li[data-seq] .text').last()).toHaveText('written during the cut', { timeout: 20_000 });
      await waitOnline(a, 20_000);
      await expect(a.locator('li[data-pending]')).toHaveCount(0, { timeout: 10_000 });
      await a.screenshot({ path: testInfo.outputPath('on-sse.png') });

      // /ws allowed again: back on WebSocket, nothing lost or repeated.
      gate.block = false;
      await expect(status).toHaveAttribute('data-transport', 'websocket', { timeout: 20_000 });
      await expect(status).toHaveText('online');
      await expect(a.locator('.fallback')).toBeHidden();
      await post(b, 'after the return');
      await expect(a.locator('li[data-seq] .text').last()).toHaveText('after the return', { timeout: 10_000 });

      const stored = await apiMessages(server.url, 'fallback');
      expect(stored.map((m) => m.text)).toEqual(['edited over the API', 'from WebSocket', '', 'written during the cut', 'after the return']);
      const seqs = await a.locator('li[data-seq]').evaluateAll((els) => els.map((e) => e.getAttribute('data-seq')));
      expect(seqs).toEqual(stored.map((m) => String(m.seq)));
      await a.screenshot({ path: testInfo.outputPath('back-on-websocket.png') });
    } finally {
      if (proxy) await proxy.close();
      await server.stop();
    }
  });
}

// The bug of a half-open socket: offline, a post, online again. The app
// must dial at once (not wait for the old socket to close) and send the
// post, with no reload.
test('back online after going offline with a live socket: a fresh connection at once, the post sent once, no reload', async ({ browser }, testInfo) => {
  const server = await startServer();
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await openBoard(page, server.url + '/b/halfopen');
    let navigations = 0;
    page.on('framenavigated', () => { navigations++; });
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws));

    await ctx.setOffline(true);
    await expect(page.getByRole('status')).toHaveText('offline');
    await post(page, 'written while offline');
    await expect(page.locator('li[data-pending] .text')).toHaveText(['written while offline']);
    await ctx.setOffline(false);
    // Well inside the 60 s the old socket would have taken.
    await expect(page.getByRole('status')).toHaveText('online', { timeout: 10_000 });
    await expect(page.locator('li[data-seq] .text')).toHaveText(['written while offline'], { timeout: 10_000 });
    await expect(page.locator('li[data-pending]')).toHaveCount(0);
    expect(sockets.length).toBeGreaterThanOrEqual(1);
    expect(navigations).toBe(0);
    expect((await apiMessages(server.url, 'halfopen')).map((m) => m.text)).toEqual(['written while offline']);
    await page.screenshot({ path: testInfo.outputPath('online-again.png') });
  } finally {
    await server.stop();
  }
});
