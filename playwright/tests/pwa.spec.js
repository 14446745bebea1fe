// @ts-check
const { test, expect, chromium } = require('@playwright/test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromiumArgs } = require('../playwright.config');
const { startServer } = require('./server');
const { waitOnline } = require('./helpers');

// newContext is off the record, which Chrome reports as not installable:
// this test uses a persistent profile.
test('installable: a valid manifest, a registered service worker, and no second download of app.wasm', async ({}, testInfo) => {
  const server = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs,
  });
  try {
    const page = ctx.pages()[0] || await ctx.newPage();
    await page.goto(server.url + '/');
    await waitOnline(page);

    const manifestURL = await page.locator('link[rel=manifest]').getAttribute('href');
    const manifest = await (await page.request.get(new URL(manifestURL, server.url).href)).json();
    expect(manifest.name).toBe('liveboard');
    expect(manifest.short_name).toBe('liveboard');
    expect(manifest.start_url).toBeTruthy();
    expect(manifest.display).toBe('standalone');
    const sizes = manifest.icons.map((i) => i.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512', 'any']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      expect(icon.src.startsWith('/')).toBe(true); // local, never the internet
      expect((await page.request.get(server.url + icon.src)).status()).toBe(200);
    }
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(server.url + '/');
    // Page loads do not wait for the worker to start.
    expect(await page.evaluate(async () => (await (await navigator.serviceWorker.ready).navigationPreload.getState()).enabled)).toBe(true);

    // Chrome's own view: no installability errors.
    const cdp = await ctx.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    expect(installabilityErrors).toEqual([]);

    // A second visit takes app.wasm and the scripts from the service
    // worker's cache, through its static routes: the worker's own fetch
    // handler does not run for them.
    const wasm = [];
    page.on('response', (r) => { if (r.url().endsWith('/web/app.wasm')) wasm.push(r.fromServiceWorker()); });
    const routed = {};
    cdp.on('Network.responseReceived', (e) => {
      const name = new URL(e.response.url).pathname;
      if (['/web/app.wasm', '/app.js', '/wasm_exec.js'].includes(name)) routed[name] = (e.response.serviceWorkerRouterInfo || {}).actualSourceType;
    });
    await cdp.send('Network.enable');
    await page.reload();
    await waitOnline(page);
    expect(wasm.length).toBeGreaterThan(0);
    expect(wasm.every((fromSW) => fromSW)).toBe(true);
    expect(routed).toEqual({ '/web/app.wasm': 'cache', '/app.js': 'cache', '/wasm_exec.js': 'cache' });
    await page.screenshot({ path: testInfo.outputPath('installed.png') });
  } finally {
    await ctx.close();
    await server.stop();
  }
});

// The service worker's install caches app.wasm: it waits until the board
// is live, so a first visit does not start app.wasm and cache it at once.
test('the service worker is registered once the board is online, not while app.wasm starts', async ({ browser }) => {
  const server = await startServer();
  try {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.addInitScript(() => {
      const register = navigator.serviceWorker.register.bind(navigator.serviceWorker);
      navigator.serviceWorker.register = (...args) => {
        const s = document.querySelector('[role=status]');
        window.__statusAtRegister = s ? s.textContent : '(none)';
        return register(...args);
      };
    });
    await page.goto(server.url + '/b/worker');
    await waitOnline(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(server.url + '/');
    expect(await page.evaluate(() => window.__statusAtRegister)).toBe('online');
    await ctx.close();
  } finally {
    await server.stop();
  }
});
