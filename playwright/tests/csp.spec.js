// @ts-check
// The page carries its security headers and runs under its
// Content-Security-Policy with no violation.
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');
const { openBoard, post } = require('./helpers');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

test('security headers, and the app runs with no CSP violation', async ({ page }, testInfo) => {
  const server = await startServer();
  try {
    const violations = [];
    page.on('console', (m) => { if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text()); });
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective));
    });
    const resp = await page.goto(server.url + '/b/csp');
    const h = resp.headers();
    expect(h['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
    expect(h['referrer-policy']).toBe('same-origin');
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['permissions-policy']).toContain('camera=()');
    expect(h['strict-transport-security']).toBeUndefined(); // plain HTTP here
    await openBoard(page, server.url + '/b/csp');
    await post(page, 'under a strict policy');
    await expect(page.locator('li[data-seq] .text')).toHaveText(['under a strict policy'], { timeout: 10_000 });
    expect(await page.evaluate(() => window.__cspViolations)).toEqual([]);
    expect(violations).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath('csp.png') });
  } finally {
    await server.stop();
  }
});
