// probe (not committed): what the DOM shows frame by frame on a warm visit.
const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
const { chromium } = require('playwright');
const { chromiumArgs } = require('./playwright.config');
const { startServer, apiPost } = require('./tests/server');
(async () => {
  const server = await startServer();
  for (let i = 0; i < 20; i++) await apiPost(server.url, 'tl', { id: 's' + i, text: 'message ' + i, token: 'startup-token-0123456789' });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const url = server.url + '/b/tl';
  const p0 = ctx.pages()[0]; await p0.goto(url); await p0.waitForFunction(() => document.querySelector('[role=status]')?.textContent === 'online'); await p0.evaluate(async () => { await navigator.serviceWorker.ready; });
  for (let v = 0; v < 2; v++) {
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      window.__log = []; const WS = window.WebSocket; window.WebSocket = function (...a) { const w = new WS(...a); window.__log.push(`${performance.now().toFixed(0)} ws new`); w.addEventListener('open', () => window.__log.push(`${performance.now().toFixed(0)} ws open`)); w.addEventListener('message', (e) => window.__log.push(`${performance.now().toFixed(0)} ws msg ${String(e.data).slice(0, 30)}`)); return w; }; window.WebSocket.prototype = WS.prototype; Object.assign(window.WebSocket, { OPEN: 1, CLOSED: 3, CONNECTING: 0, CLOSING: 2 });
      let last = '';
      const snap = (why) => { const s = document.querySelector('[role=status]'); const n = document.querySelectorAll('li[data-seq]').length; const k = `${s ? s.textContent : '-'} items=${n} loader=${!!document.getElementById('app-wasm-loader')}`; if (k !== last) { window.__log.push(`${performance.now().toFixed(0)} ${why} ${k}`); last = k; } };
      new MutationObserver(() => snap('mut')).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      const raf = () => { snap('raf'); window.__log.push(`${performance.now().toFixed(0)} frame`); if (performance.now() < 2000) requestAnimationFrame(raf); };
      requestAnimationFrame(raf);
    });
    await page.goto(url);
    await page.waitForFunction(() => document.querySelector('[role=status]')?.textContent === 'online');
    await page.waitForTimeout(100);
    const log = await page.evaluate(() => window.__log);
    // compress consecutive frame lines
    const out = log.filter((l) => parseFloat(l) > 0 && !/msg \{"type":"message/.test(l));
    console.log(`visit ${v}\n  ` + out.filter((l) => parseFloat(l) < 600).join('\n  '));
    await page.close();
  }
  await ctx.close(); await server.stop(); fs.rmSync(profile, { recursive: true, force: true });
})();
