// Shared steps of the board tests.
const { expect } = require('@playwright/test');

// openBoard opens a board and waits for the Wasm (the loader is gone) and
// for the socket (status "online").
async function openBoard(page, url) {
  await page.goto(url);
  await waitOnline(page);
}

async function waitOnline(page, timeout = 15_000) {
  await expect(page.locator('#app-wasm-loader')).toHaveCount(0, { timeout });
  await expect(page.getByRole('status')).toHaveText('online', { timeout });
}

// post types text into the composer and presses Enter.
async function post(page, text) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}

// messageTexts are the texts of the list, in order, without pending ones.
async function messageTexts(page) {
  return page.locator('[role=log] ol li[data-seq] .text').allTextContents();
}

module.exports = { openBoard, waitOnline, post, messageTexts };
