// go tool task lighthouse: starts bin/liveboard on a free port with a
// fresh data directory, posts 20 messages to /b/lobby, runs Lighthouse's
// default (mobile) audit in Debian's Chromium, prints the four scores and
// saves the reports in report/. Then it audits the two floors of
// bench/floor the same way, for the performance figures any page on this
// stack gets. Loopback only; it stops by itself.
const { spawn, execFile } = require('node:child_process');
const { promisify } = require('node:util');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { serveFloor, floors } = require('../floor/serve');

const root = path.resolve(__dirname, '../..');
// LIVEBOARD_BIN audits another build (a before row), relative to the repository's root.
const bin = path.resolve(root, process.env.LIVEBOARD_BIN || 'bin/liveboard');
const outDir = path.join(__dirname, 'report');
const chromeFlags = '--headless=new --no-sandbox --disable-gpu --disable-quic --disable-background-networking --disable-component-update --disable-sync --no-first-run';

function startServer() {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-lighthouse-'));
  const proc = spawn(bin, ['-addr', '127.0.0.1:0', '-data', data], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('liveboard did not start')), 15000);
    proc.stdout.once('data', (b) => {
      clearTimeout(timer);
      const m = /listening on (http:\/\/\S+)/.exec(String(b));
      if (!m) return reject(new Error('no address line: ' + b));
      resolve({ url: m[1], stop: () => { proc.kill('SIGTERM'); fs.rmSync(data, { recursive: true, force: true }); } });
    });
  });
}

// audit runs Lighthouse on url, saves report/NAME.report.{html,json} (and
// NAME-0.trace.json, the trace its figures come from) and
// returns the report. Asynchronously: the floors' server runs in this
// process, and a synchronous child would stop it from answering.
async function audit(url, name) {
  const base = path.join(outDir, name);
  await promisify(execFile)(path.join(__dirname, 'node_modules/.bin/lighthouse'), [
    url, '--quiet', '--save-assets', '--output=json', '--output=html', '--output-path=' + base,
    '--chrome-path=/usr/bin/chromium', '--chrome-flags=' + chromeFlags,
  ], { env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' } });
  return JSON.parse(fs.readFileSync(base + '.report.json', 'utf8'));
}

function performanceRow(name, report) {
  const a = report.audits;
  const v = (id) => a[id].displayValue;
  return `| ${name} | ${Math.round(report.categories.performance.score * 100)} | ${v('first-contentful-paint')} | ${v('largest-contentful-paint')} | ${v('total-blocking-time')} | ${v('cumulative-layout-shift')} |`;
}

async function main() {
  fs.mkdirSync(outDir, { recursive: true });
  const server = await startServer();
  let report;
  try {
    for (let i = 1; i <= 20; i++) {
      const res = await fetch(server.url + '/api/boards/lobby/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 'lh-' + i, text: `Message ${i}: a line of ordinary chat, 안녕하세요.`, name: 'Lighthouse', token: 'lighthouse-token-0123456789' }),
      });
      if (res.status !== 201) throw new Error('post ' + i + ': ' + res.status);
    }
    report = await audit(server.url + '/b/lobby', 'lobby');
  } finally {
    server.stop();
  }
  const rows = [performanceRow(path.relative(root, bin) + ' /b/lobby', report)];
  for (const floor of floors) {
    const site = await serveFloor(floor.dir);
    try {
      rows.push(performanceRow(floor.name, await audit(site.url, 'floor-' + floor.id)));
    } finally {
      await site.close();
    }
  }
  console.log('\nLighthouse ' + report.lighthouseVersion + ', ' + report.configSettings.formFactor + ', ' + report.finalDisplayedUrl + '\n');
  console.log('| category | score |\n|---|---:|');
  for (const c of Object.values(report.categories)) console.log(`| ${c.title} | ${Math.round(c.score * 100)} |`);
  const a = report.audits;
  const failing = Object.values(report.categories).flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => a[r.id]).filter((x) => x.score !== null && x.score < 1 && c.id !== 'performance').map((x) => `${c.id}: ${x.id} (${x.title})`));
  if (failing.length) console.log('\nnot passed outside performance:\n  ' + failing.join('\n  '));
  console.log('\n| page | performance | first contentful paint | largest | total blocking time | layout shift |\n|---|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
  console.log('\nreports: ' + outDir + '/*.report.html and .report.json');
}

main().catch((e) => { console.error(e); process.exit(1); });
