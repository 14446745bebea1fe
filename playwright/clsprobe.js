// probe (not committed): layout shifts on a visit, with their sources.
const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
const { chromium } = require('playwright');
const { chromiumArgs } = require('./playwright.config');
const { startServer, apiPost } = require('./tests/server');
(async () => {
  const server = await startServer();
  for (let i = 0; i < 20; i++) await apiPost(server.url, 'lobby', { id: 's' + i, text: `Message ${i}: a line of ordinary chat, 안녕하세요.`, name: 'Lighthouse', token: 'startup-token-0123456789' });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'cls-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
  for (let v = 0; v < 3; v++) {
    const page = v === 0 ? ctx.pages()[0] : await ctx.newPage();
    await page.addInitScript(() => {
      window.__shifts = [];
      const desc = (s) => `${s.node ? (s.node.id || s.node.className || s.node.nodeName) : '?'} ${s.previousRect.y},${s.previousRect.height}->${s.currentRect.y},${s.currentRect.height}`;
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.__shifts.push({ t: Math.round(e.startTime), v: e.value.toFixed(4), src: e.sources.map(desc) });
      }).observe({ type: 'layout-shift', buffered: true });
    });
    await page.goto(server.url + '/b/lobby');
    await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent === 'online');
    await page.waitForTimeout(1500);
    console.log('visit', v, JSON.stringify(await page.evaluate(() => window.__shifts)));
    if (v === 0) await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  }
  await ctx.close(); await server.stop(); fs.rmSync(profile, { recursive: true, force: true });
})();
