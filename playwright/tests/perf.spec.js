// @ts-check
// Prints timings; asserts nothing about speed (the machine is shared).
const { test, expect, chromium } = require('@playwright/test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromiumArgs } = require('../playwright.config');
const { startServer } = require('./server');

// Playwright's trace and screenshots would record every step of the visits
// being timed: about 300 ms more per visit on this machine.
test.use({ trace: 'off', screenshot: 'off' });

// timings loads url and returns first contentful paint and the time to
// "online", both from navigation start.
async function timings(page, url) {
  await page.addInitScript(() => {
    document.addEventListener('DOMContentLoaded', () => { window.__first = document.querySelectorAll('li[data-seq]').length; });
    new MutationObserver(() => {
      const s = document.querySelector('[role=status]');
      if (s && s.textContent === 'online' && !window.__online) window.__online = performance.now();
      if (document.readyState !== 'loading' && !document.getElementById('app-wasm-loader') && !window.__wasm) window.__wasm = performance.now();
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__online, null, { timeout: 20_000 });
  return page.evaluate(() => ({
    fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime,
    online: window.__online,
    wasm: window.__wasm,
    wasmFetched: (performance.getEntriesByType('resource').find((r) => r.name.endsWith('/web/app.wasm')) || {}).responseEnd,
    messagesInFirstPaint: window.__first,
  }));
}

test('measure: first paint and time to online, cold and warm', async () => {
  const server = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-perf-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs });
  try {
    for (let i = 0; i < 20; i++) {
      await fetch(server.url + '/api/boards/perf/messages', { method: 'POST', body: JSON.stringify({ id: 'm' + i, text: 'message ' + i, token: 'perf-token-0123456789' }) });
    }
    const rows = [];
    const page = ctx.pages()[0] || await ctx.newPage();
    rows.push({ visit: 'cold', ...(await timings(page, server.url + '/b/perf')) });
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    for (let i = 1; i <= 3; i++) {
      const p = await ctx.newPage();
      rows.push({ visit: 'warm ' + i, ...(await timings(p, server.url + '/b/perf')) });
      await p.close();
    }
    console.log('\n| visit | first contentful paint (ms) | app.wasm fetched (ms) | Wasm running (ms) | online (ms) | messages in the first HTML |\n|---|---:|---:|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.visit} | ${Math.round(r.fcp)} | ${Math.round(r.wasmFetched)} | ${Math.round(r.wasm)} | ${Math.round(r.online)} | ${r.messagesInFirstPaint} |`);
    expect(rows[0].messagesInFirstPaint).toBe(20);
  } finally {
    await ctx.close();
    await server.stop();
  }
});
