// go tool task lighthouse: starts bin/liveboard on a free port with a
// fresh data directory, posts 20 messages to /b/lobby, runs Lighthouse's
// default (mobile) audit in Debian's Chromium, prints the four scores and
// saves the reports in report/. Loopback only; it stops by itself.
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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

async function main() {
  const server = await startServer();
  try {
    for (let i = 1; i <= 20; i++) {
      const res = await fetch(server.url + '/api/boards/lobby/messages', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ id: 'lh-' + i, text: `Message ${i}: a line of ordinary chat, 안녕하세요.`, name: 'Lighthouse', token: 'lighthouse-token-0123456789' }),
      });
      if (res.status !== 201) throw new Error('post ' + i + ': ' + res.status);
    }
    fs.mkdirSync(outDir, { recursive: true });
    const base = path.join(outDir, 'lobby');
    execFileSync(path.join(__dirname, 'node_modules/.bin/lighthouse'), [
      server.url + '/b/lobby', '--quiet', '--output=json', '--output=html', '--output-path=' + base,
      '--chrome-path=/usr/bin/chromium', '--chrome-flags=' + chromeFlags,
    ], { stdio: 'inherit', env: { ...process.env, CHROME_PATH: '/usr/bin/chromium' } });
    const report = JSON.parse(fs.readFileSync(base + '.report.json', 'utf8'));
    console.log('\nLighthouse ' + report.lighthouseVersion + ', ' + report.configSettings.formFactor + ', ' + report.finalDisplayedUrl + '\n');
    console.log('| category | score |\n|---|---:|');
    for (const c of Object.values(report.categories)) console.log(`| ${c.title} | ${Math.round(c.score * 100)} |`);
    const a = report.audits;
    console.log(`\nfirst contentful paint ${a['first-contentful-paint'].displayValue}, largest ${a['largest-contentful-paint'].displayValue}, total blocking time ${a['total-blocking-time'].displayValue}, layout shift ${a['cumulative-layout-shift'].displayValue}`);
    const failing = Object.values(report.categories).flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => a[r.id]).filter((x) => x.score !== null && x.score < 1 && c.id !== 'performance').map((x) => `${c.id}: ${x.id} (${x.title})`));
    if (failing.length) console.log('\nnot passed outside performance:\n  ' + failing.join('\n  '));
    console.log('\nreports: ' + base + '.report.html and .report.json');
  } finally {
    server.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
