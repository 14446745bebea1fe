// @ts-check
// The Wasm's takeover moves nothing on screen: go-app replaces the
// pre-rendered DOM, and whatever the browser keeps for the page (the
// notification choice, the background, the name) is read before that
// first render. Read after it, the notify button wrapped a phone's header
// and moved the list by 33 px (a layout shift of 0.034, Lighthouse's
// mobile run). The bound is 0.01.
const { test, expect, chromium } = require('@playwright/test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromiumArgs } = require('../playwright.config');
const { startServer, apiPost } = require('./server');

const maxShift = 0.01;

// shiftsUntilSettled loads url and returns the layout shifts reported up
// to the frame after the page reached its final state: online, with the
// notify button the Wasm adds (Chromium has notifications).
async function shiftsUntilSettled(page, url) {
  await page.addInitScript(() => {
    window.__shifts = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__shifts.push({ value: e.value, sources: e.sources.map((s) => (s.node && (s.node.id || s.node.className)) || '?') });
      }
    }).observe({ type: 'layout-shift', buffered: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent === 'online' && !document.querySelector('button.notify')?.hidden);
  // Shifts are reported with the frame that paints them: two frames on,
  // the final state has been painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(() => window.__shifts);
}

for (const [device, opts] of [
  ['a phone', { viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true }],
  ['a desktop', { viewport: { width: 1280, height: 800 } }],
]) {
  test(`no layout shift as the Wasm takes over, first visit and returning, on ${device}`, async () => {
    const server = await startServer();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-layout-'));
    const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs, ...opts });
    try {
      for (let i = 0; i < 20; i++) {
        await apiPost(server.url, 'lobby', { id: 'l' + i, text: `Message ${i}: a line of ordinary chat, 안녕하세요.`, name: 'Layout', token: 'layout-token-0123456789' });
      }
      const url = server.url + '/b/lobby';
      const first = ctx.pages()[0] || await ctx.newPage();
      const visits = [await shiftsUntilSettled(first, url)];
      await first.evaluate(async () => { await navigator.serviceWorker.ready; });
      const again = await ctx.newPage();
      visits.push(await shiftsUntilSettled(again, url));
      for (const shifts of visits) {
        const total = shifts.reduce((a, s) => a + s.value, 0);
        expect(total, JSON.stringify(shifts)).toBeLessThanOrEqual(maxShift);
      }
    } finally {
      await ctx.close();
      await server.stop();
      fs.rmSync(profile, { recursive: true, force: true });
    }
  });
}
