// go tool task bench:startup [-- ROUNDS BIN...]: a page's way to "online"
// in Debian's Chromium, cold (a new profile) and then 3 warm visits (the
// service worker installed), with the main thread's busy (wall) time and
// CPU time until online, and the CPU V8 spent meanwhile recompiling hot
// Wasm functions with TurboFan on its other threads (on two cores, time
// the main thread waits), from a Chromium trace. On this shared two-core
// machine the wall times swing by a third between runs; the CPU times
// are what to compare. Several builds run interleaved, round by round.
//
// Two floors run in the same rounds (bench/floor says what they are): a
// Go Wasm that only writes "online" (runtime), and a go-app page that
// only renders it (go-app), served as static files with brotli.
// Loopback only; it stops by itself.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright');
const { chromiumArgs } = require('../playwright.config');
const { serveFloor, floors } = require('../../bench/floor/serve');

const root = path.resolve(__dirname, '../..');
const [roundsArg, ...binArgs] = process.argv.slice(2);
const rounds = Number(roundsArg) || 3;
// Builds are paths from the repository's root, as the Taskfile runs this from playwright/.
const bins = binArgs.length ? binArgs.map((b) => path.resolve(root, b)) : [path.join(root, 'bin/liveboard')];
const warmVisits = 3;
const messages = 20;

// visit loads the board and returns the time to online and what the
// page's main thread did until then.
async function visit(ctx, page, url) {
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const s = document.querySelector('[role=status]');
      if (s && s.textContent === 'online' && !window.__online) window.__online = performance.now();
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  const cdp = await ctx.newCDPSession(page);
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing,loading,devtools.timeline,disabled-by-default-devtools.timeline,v8.wasm', transferMode: 'ReportEvents' });
  await page.goto(url);
  await page.waitForFunction(() => window.__online, null, { timeout: 20_000 });
  const online = await page.evaluate(() => window.__online);
  await cdp.send('Tracing.end');
  await complete;
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.isLoadingMainFrame && (e.args.data.documentLoaderURL || '').startsWith(url));
  const end = nav.ts + online * 1000;
  const tasks = events.filter((e) => e.name === 'RunTask' && e.pid === nav.pid && e.tid === nav.tid && e.ts >= nav.ts && e.ts < end && e.dur);
  // V8's optimizing recompiles of hot Wasm functions, on its worker
  // threads in the page's process: on two cores, time the main thread waits.
  const tierUp = events.filter((e) => e.name === 'wasm.TopTierCompilation' && e.pid === nav.pid && e.ts >= nav.ts && e.ts < end);
  const ms = (us) => us / 1000;
  return {
    tierUp: ms(tierUp.reduce((a, e) => a + (e.tdur || 0), 0)),
    online,
    busy: ms(tasks.reduce((a, e) => a + Math.min(e.dur, end - e.ts), 0)),
    cpu: ms(tasks.reduce((a, e) => a + (e.tdur || 0), 0)),
    longest: ms(Math.max(...tasks.map((e) => e.dur))),
    longestCPU: ms(Math.max(...tasks.map((e) => e.tdur || 0))),
  };
}

// visits makes the cold visit in a new profile, then the warm ones.
async function visits(url, worker) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-startup-'));
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    const rows = [{ visit: 'cold', ...(await visit(ctx, page, url)) }];
    if (worker) await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    for (let i = 0; i < warmVisits; i++) {
      const p = await ctx.newPage();
      rows.push({ visit: 'warm', ...(await visit(ctx, p, url)) });
      await p.close();
    }
    return rows;
  } finally {
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

async function runBuild(bin) {
  process.env.LIVEBOARD_BIN = bin;
  delete require.cache[require.resolve('../tests/server')];
  const { startServer, apiPost } = require('../tests/server');
  const server = await startServer();
  try {
    for (let i = 0; i < messages; i++) {
      await apiPost(server.url, 'startup', { id: 's' + i, text: 'message ' + i, token: 'startup-token-0123456789' });
    }
    return await visits(server.url + '/b/startup', true);
  } finally {
    await server.stop();
  }
}

async function runFloor(floor) {
  const server = await serveFloor(floor.dir);
  try {
    return await visits(server.url, floor.worker);
  } finally {
    await server.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function main() {
  const all = new Map(); // "build visit" -> rows
  for (let r = 0; r < rounds; r++) {
    const runs = [
      ...bins.map((bin) => ({ name: path.relative(root, bin), run: () => runBuild(bin) })),
      ...floors.map((f) => ({ name: f.name, run: () => runFloor(f) })),
    ];
    for (const { name, run } of runs) {
      for (const row of await run()) {
        const key = name + ' | ' + row.visit;
        all.set(key, [...(all.get(key) || []), row]);
      }
    }
  }
  console.log(`\n${rounds} rounds; medians in ms. "Busy" is the main thread's tasks (wall), "CPU" their thread time, both from navigation to online; "TurboFan CPU" is V8 recompiling hot Wasm functions on its other threads meanwhile.\n`);
  console.log('| build | visit | n | online | main thread busy | main thread CPU | longest task | its CPU | TurboFan CPU |\n|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [key, rows] of all) {
    const m = (f) => Math.round(median(rows.map(f)));
    console.log(`| ${key} | ${rows.length} | ${m((x) => x.online)} | ${m((x) => x.busy)} | ${m((x) => x.cpu)} | ${m((x) => x.longest)} | ${m((x) => x.longestCPU)} | ${m((x) => x.tierUp)} |`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
