// @ts-check
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');

test('Chromium gets the favicon and icons with exact types from our server', async ({ page }, testInfo) => {
  const server = await startServer();
  try {
    const favicon = await page.request.get(server.url + '/favicon.ico');
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()['content-type']).toBe('image/x-icon');

    await page.goto(server.url + '/web/icon.svg');
    const svg = await page.request.get(server.url + '/web/icon.svg', { headers: { 'Accept-Encoding': 'br' } });
    expect(svg.headers()['content-type']).toBe('image/svg+xml');
    expect(svg.headers()['vary']).toBe('Accept-Encoding');
    await page.screenshot({ path: testInfo.outputPath('icon.png') });

    const missing = await page.request.get(server.url + '/web/nothing-here');
    expect(missing.status()).toBe(404);
  } finally {
    await server.stop();
  }
});
