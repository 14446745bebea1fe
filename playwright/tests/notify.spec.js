// @ts-check
// System notifications: asked for only from the "Notify me" click, then
// one per post from someone else while the tab is hidden, none for your
// own posts, none while the tab is visible.
const { test, expect } = require('@playwright/test');
const { startServer } = require('./server');
const { openBoard, post } = require('./helpers');

test.afterEach(async ({ browser }) => { for (const c of browser.contexts()) await c.close(); });

let server;
test.beforeEach(async () => { server = await startServer(); });
test.afterEach(async () => { await server.stop(); });

// recordNotifications wraps the browser's Notification so the page's
// notifications can be read back; asks counts requestPermission calls.
const recordNotifications = () => {
  const Real = window.Notification;
  window.__notes = [];
  window.__asks = 0;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options && options.body });
    }
  }
  Recorded.requestPermission = (...args) => { window.__asks++; return Real.requestPermission(...args); };
  window.Notification = Recorded;
};

function setHidden(page, hidden) {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

test('a hidden tab shows one notification per post from others, none for its own', async ({ browser }) => {
  const ctxA = await browser.newContext({ permissions: ['notifications'] });
  await ctxA.addInitScript(recordNotifications);
  const a = await ctxA.newPage();
  const b = await (await browser.newContext()).newPage();
  await openBoard(a, server.url + '/b/notify');
  await openBoard(b, server.url + '/b/notify');
  await a.getByLabel('Name').fill('Ann');
  await b.getByLabel('Name').fill('Bo');

  // Nothing is asked on load; the click asks.
  expect(await a.evaluate(() => window.__asks)).toBe(0);
  const toggle = a.getByRole('button', { name: 'Notify me' });
  await toggle.click();
  await expect(a.getByRole('button', { name: 'Notifications on' })).toHaveAttribute('aria-pressed', 'true');
  expect(await a.evaluate(() => window.__asks)).toBe(1);

  // Visible: no notification.
  await post(b, 'seen in the open');
  await expect(a.locator('[role=log] ol li[data-seq] .text').last()).toHaveText('seen in the open', { timeout: 5_000 });

  await setHidden(a, true);
  const lastOn = (page) => page.locator('[role=log] ol li[data-seq] .text').last();
  await post(b, 'first while hidden');
  await expect(lastOn(b)).toHaveText('first while hidden', { timeout: 5_000 });
  await post(b, '안녕 second while hidden');
  await expect(lastOn(b)).toHaveText('안녕 second while hidden', { timeout: 5_000 });
  await post(a, 'my own, while hidden');
  // Frames apply in seq order: once a shows its own post as stored, it has
  // applied the two before it, and raised whatever it was going to raise.
  await expect(lastOn(a)).toHaveText('my own, while hidden', { timeout: 5_000 });
  const notes = await a.evaluate(() => window.__notes);
  expect(notes).toEqual([
    { title: 'notify', body: 'Bo: first while hidden' },
    { title: 'notify', body: 'Bo: 안녕 second while hidden' },
  ]);

  // Turned off: nothing more.
  await setHidden(a, false);
  await a.getByRole('button', { name: 'Notifications on' }).click();
  await expect(a.getByRole('button', { name: 'Notify me' })).toHaveAttribute('aria-pressed', 'false');
  await setHidden(a, true);
  await post(b, 'after turning off');
  await expect(a.locator('[role=log] ol li[data-seq] .text').last()).toHaveText('after turning off', { timeout: 5_000 });
  expect(await a.evaluate(() => window.__notes.length)).toBe(2);
});
