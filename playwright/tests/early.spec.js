// @ts-check
// The early socket: on a returning visit the page's inline script opens
// /ws and says hello while app.wasm loads, and the Wasm's client takes
// that socket over instead of dialling its own.
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');
const { openBoard, waitOnline, post, messageTexts } = require('./helpers');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

// recordSockets notes every WebSocket the page makes: when (the document's
// readyState then) and the socket itself, to read its state later.
async function recordSockets(page) {
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = function (url, protocols) {
      const ws = new Native(url, protocols);
      window.__sockets.push({ ws, url, readyState: document.readyState, wasmStarted: !!window.Go });
      return ws;
    };
    window.WebSocket.prototype = Native.prototype;
    Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  });
}

function sockets(page) {
  return page.evaluate(() => window.__sockets.map((s) => ({ url: s.url, during: s.readyState, wasmStarted: s.wasmStarted, state: s.ws.readyState })));
}

test('a returning visit goes online on the socket the page opened before the Wasm', async ({ browser }) => {
  const server = await startServer();
  try {
    const ctx = await browser.newContext();
    const first = await ctx.newPage();
    await recordSockets(first);
    await openBoard(first, server.url + '/b/early');
    // A first visit has no stored hello: the script makes the token and
    // the hello a fresh client opens with, and the client adopts it.
    expect(await first.evaluate(() => window.liveboardEarly.taken)).toBe(true);
    expect(await sockets(first)).toEqual([expect.objectContaining({ during: 'loading', wasmStarted: false, state: 1 })]);
    const token = await first.evaluate(() => JSON.parse(localStorage.getItem('liveboard.token')));
    expect(token).toMatch(/^[A-Z2-7]{52}$/);
    expect(await first.evaluate(() => window.liveboardEarly.hello)).toBe(JSON.stringify({ type: 'hello', token }));
    await first.close();

    const page = await ctx.newPage();
    await recordSockets(page);
    await openBoard(page, server.url + '/b/early');
    const made = await sockets(page);
    expect(made).toHaveLength(1); // the client dialled nothing of its own
    expect(made[0]).toMatchObject({ during: 'loading', wasmStarted: false, state: 1 });
    expect(made[0].url).toMatch(/\/ws\?board=early$/);
    expect(await page.evaluate(() => window.liveboardEarly.taken)).toBe(true);

    // The adopted socket carries posts both ways.
    const reader = await browser.newPage();
    await openBoard(reader, server.url + '/b/early');
    await post(page, '이른 소켓으로 보냄');
    await expect.poll(() => messageTexts(reader), { timeout: 10_000 }).toEqual(['이른 소켓으로 보냄']);
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['이른 소켓으로 보냄']);
    expect(await sockets(page)).toHaveLength(1);
  } finally {
    await server.stop();
  }
});

test('an early socket that greeted with another hello is closed, and the client dials its own', async ({ browser }) => {
  const server = await startServer();
  try {
    const ctx = await browser.newContext();
    const first = await ctx.newPage();
    await openBoard(first, server.url + '/b/early');
    // The stored hello no longer matches: the name was changed elsewhere
    // (another tab) after it was stored.
    await first.evaluate(() => localStorage.setItem('liveboard.name', JSON.stringify('renamed')));
    await first.close();

    const page = await ctx.newPage();
    await recordSockets(page);
    await openBoard(page, server.url + '/b/early');
    await expect.poll(async () => (await sockets(page)).map((s) => [s.during, s.wasmStarted, s.state]), { timeout: 10_000 })
      .toEqual([['loading', false, 3], [expect.any(String), true, 1]]);
    await post(page, 'on its own socket');
    await expect.poll(() => messageTexts(page), { timeout: 10_000 }).toEqual(['on its own socket']);
  } finally {
    await server.stop();
  }
});

test('an unclaimed early socket gives up: a page whose Wasm never runs holds no socket', async ({ browser }) => {
  const server = await startServer();
  try {
    // No service worker: it would serve app.wasm past the route below.
    const ctx = await browser.newContext({ serviceWorkers: 'block' });
    const first = await ctx.newPage();
    await openBoard(first, server.url + '/b/early');
    await first.close();

    const page = await ctx.newPage();
    await recordSockets(page);
    await page.clock.install();
    await page.route('**/web/app.wasm', (route) => route.abort()); // the Wasm never runs
    await page.goto(server.url + '/b/early');
    await expect.poll(async () => (await sockets(page)).map((s) => s.state), { timeout: 10_000 }).toEqual([1]);
    await page.clock.runFor(20_000);
    await expect.poll(async () => (await sockets(page)).map((s) => s.state), { timeout: 10_000 }).toEqual([3]);
    expect(await page.evaluate(() => window.liveboardEarly.taken)).toBe(false);
  } finally {
    await server.stop();
  }
});
