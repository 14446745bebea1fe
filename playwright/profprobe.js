// probe (not committed): CPU profile of a visit, self time by function.
const fs = require('node:fs'); const os = require('node:os'); const path = require('node:path');
const { chromium } = require('playwright');
const { chromiumArgs } = require('./playwright.config');
const { startServer, apiPost } = require('./tests/server');
(async () => {
  const server = await startServer();
  for (let i = 0; i < 20; i++) await apiPost(server.url, 'tl', { id: 's' + i, text: 'message ' + i, token: 'startup-token-0123456789' });
  const body = fs.readFileSync(process.argv[2]);
  const agg = {}; const total = { n: 0 };
  const runs = Number(process.argv[3] || 3);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pp-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: chromiumArgs, serviceWorkers: 'block' });
  await ctx.route('**/web/app.wasm', (route) => route.fulfill({ status: 200, contentType: 'application/wasm', body }));
  const url = server.url + '/b/tl';
  for (let v = 0; v < runs; v++) {
    const page = await ctx.newPage();
    await page.addInitScript(() => { new MutationObserver(() => { const s = document.querySelector('[role=status]'); if (s && s.textContent === 'online' && !window.__online) window.__online = performance.now(); }).observe(document, { subtree: true, childList: true, characterData: true }); });
    const cdp = await ctx.newCDPSession(page);
    await cdp.send('Profiler.enable'); await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(url);
    await page.waitForFunction(() => window.__online, null, { timeout: 20000 });
    const online = await page.evaluate(() => window.__online);
    const { profile: prof } = await cdp.send('Profiler.stop');
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    const dts = prof.timeDeltas;
    prof.samples.forEach((id, i) => { const n = byId.get(id); const name = n.callFrame.functionName || '(' + n.callFrame.url.split('/').pop() + ')'; const us = dts[i] || 0; agg[name] = (agg[name] || 0) + us; total.n += us; });
    console.log('visit', v, 'online', Math.round(online));
    await page.close();
  }
  const top = Object.entries(agg).filter(([k]) => !/^\((idle|program|garbage collector)\)$/.test(k)).sort((a, b) => b[1] - a[1]);
  console.log('non-idle ms per visit', Math.round(top.reduce((a, [, v]) => a + v, 0) / 1000 / runs));
  for (const [k, v] of top.slice(0, Number(process.argv[4] || 45))) console.log((v / 1000 / runs).toFixed(1).padStart(7), k);
  const pk = {}; for (const [k, v] of top) { const m = k.match(/^([a-zA-Z0-9_.\/-]+?)\.[^./]*$/); const key = m ? m[1].replace(/\.\(.*$/, '') : k; pk[key] = (pk[key] || 0) + v; }
  console.log('--- by package'); for (const [k, v] of Object.entries(pk).sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log((v / 1000 / runs).toFixed(1).padStart(7), k);
  await ctx.close(); await server.stop(); fs.rmSync(profile, { recursive: true, force: true });
})();
