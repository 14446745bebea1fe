// @ts-check
const { defineConfig } = require('@playwright/test');

// Debian's Chromium: browsers cannot be downloaded on this machine.
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

module.exports = defineConfig({
  testDir: './tests',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1, // two cores: one browser at a time keeps timings honest
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: chromiumArgs },
    screenshot: 'on',
    trace: 'retain-on-failure',
  },
});
module.exports.chromiumArgs = chromiumArgs;
