// @ts-check
// The hand-over from the pre-rendered page to the Wasm: go-app replaces
// the DOM rather than hydrating it, so the Wasm renders the messages the
// page carried (#preloaded) from its first frame. The list never empties
// on the way to online.
const { test, expect } = require('@playwright/test');
const { startServer, apiMessages, apiPost } = require('./server');
const { waitOnline, messageTexts } = require('./helpers');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

// watchList records the fewest messages the list showed from the end of
// parsing until the status said online.
async function watchList(page) {
  await page.addInitScript(() => {
    window.__fewest = Infinity;
    const count = () => {
      const s = document.querySelector('[role=status]');
      if (s && s.textContent === 'online') return;
      window.__fewest = Math.min(window.__fewest, document.querySelectorAll('li[data-seq]').length);
    };
    document.addEventListener('DOMContentLoaded', () => {
      count();
      new MutationObserver(count).observe(document, { subtree: true, childList: true, characterData: true });
    });
  });
}

test('the list keeps the pre-rendered messages while the Wasm takes over, first visit and returning', async ({ browser }) => {
  const server = await startServer();
  try {
    const texts = [];
    for (let i = 0; i < 20; i++) {
      const text = `<i>${i}</i> 안녕 & "q"`;
      texts.push(text);
      const res = await apiPost(server.url, 'handover', { id: 'h' + i, text, token: 'handover-token-0123456789' });
      expect(res.status).toBe(201);
    }
    const ctx = await browser.newContext();
    for (const visit of ['first', 'returning']) {
      const page = await ctx.newPage();
      await watchList(page);
      await page.goto(server.url + '/b/handover');
      await waitOnline(page);
      expect(await page.evaluate(() => window.__fewest), visit).toBe(20);
      expect(await messageTexts(page)).toEqual(texts);
      // The carried JSON stays text: nothing in it ran or became markup.
      await expect(page.locator('#preloaded')).toBeHidden();
      expect(await page.locator('[role=log] i').count()).toBe(0);
      await page.close();
    }
  } finally {
    await server.stop();
  }
});

// The server's page shows UTC; the Wasm shows each time in the browser's
// own zone and locale (the formatter the page's script makes early).
test('the Wasm shows times in the browser locale and time zone', async ({ browser }) => {
  const server = await startServer();
  try {
    const res = await apiPost(server.url, 'clock', { id: 'c1', text: 'tick', token: 'clock-token-0123456789' });
    expect(res.status).toBe(201);
    const at = new Date((await apiMessages(server.url, 'clock'))[0].at);
    const html = await (await fetch(server.url + '/b/clock')).text();
    expect(html).toContain(' UTC</time>');
    for (const [locale, timezoneId] of [['en-US', 'Asia/Seoul'], ['de-DE', 'America/Los_Angeles']]) {
      const ctx = await browser.newContext({ locale, timezoneId });
      const page = await ctx.newPage();
      await page.goto(server.url + '/b/clock');
      await waitOnline(page);
      const want = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: timezoneId }).format(at);
      await expect(page.locator('li[data-seq] time.at')).toHaveText(want);
      await ctx.close();
    }
  } finally {
    await server.stop();
  }
});

// The Wasm replaces the page only once the browser has timed its largest
// paint (Chromium drops the timing of nodes removed before their frame is
// presented; ui.AwaitPaint). The test holds the browser's report back,
// through a stand-in PerformanceObserver, until 250 ms after app.wasm is
// instantiated (within AwaitPaint's 1 s bound), and checks the page was
// replaced after that, not before.
test('the Wasm replaces the page only after the browser timed its paint', async ({ browser }) => {
  const server = await startServer();
  try {
    const res = await apiPost(server.url, 'paint', { id: 'p1', text: 'painted', token: 'paint-token-0123456789' });
    expect(res.status).toBe(201);
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const held = [];
      const report = (o) => o.callback({ getEntries: () => [] }, o);
      class HeldObserver {
        constructor(callback) { this.callback = callback; }
        observe(options) {
          if (options.type !== 'largest-contentful-paint') throw new Error('unexpected observe ' + options.type);
          if (window.__released !== undefined) setTimeout(() => report(this), 0); else held.push(this);
        }
        disconnect() {}
      }
      HeldObserver.supportedEntryTypes = ['largest-contentful-paint', 'paint'];
      window.PerformanceObserver = HeldObserver;
      const instantiate = WebAssembly.instantiateStreaming;
      WebAssembly.instantiateStreaming = (...args) => instantiate(...args).then((r) => {
        setTimeout(() => { window.__released = performance.now(); held.forEach(report); }, 250);
        return r;
      });
      document.addEventListener('DOMContentLoaded', () => {
        const shown = document.querySelector('li[data-seq]');
        new MutationObserver(() => {
          if (window.__replaced === undefined && !shown.isConnected) window.__replaced = performance.now();
        }).observe(document.body, { subtree: true, childList: true });
      });
    });
    await page.goto(server.url + '/b/paint');
    await waitOnline(page);
    const { released, replaced } = await page.evaluate(() => ({ released: window.__released, replaced: window.__replaced }));
    expect(released, 'the paint report was released').toBeGreaterThan(0);
    expect(replaced, 'the page replaced after the paint report').toBeGreaterThanOrEqual(released);
    await ctx.close();
  } finally {
    await server.stop();
  }
});
