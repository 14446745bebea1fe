// Starts the real liveboard binary on a free port with a fresh data
// directory, for one test.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// LIVEBOARD_BIN runs another build (perf.spec, before and after a change).
const BIN = path.resolve(process.env.LIVEBOARD_BIN || path.join(__dirname, '..', '..', 'bin', 'liveboard'));

async function startServer({ dataDir, port = 0, args = [] } = {}) {
  dataDir = dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'liveboard-'));
  const proc = spawn(BIN, ['-addr', `127.0.0.1:${port}`, '-data', dataDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('liveboard did not start:\n' + log)), 10_000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => reject(new Error(`liveboard exited ${code}:\n${log}`)));
  });
  return {
    url, dataDir, proc,
    log: () => log,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill(signal);
        await exited;
      }
      // Every page carries a Content-Security-Policy whose violations the
      // browser reports to the server: any test that caused one fails.
      const violations = log.split('\n').filter((l) => l.includes('csp violation'));
      if (violations.length > 0) throw new Error('CSP violations reported:\n' + violations.join('\n'));
    },
  };
}

// freePort asks the kernel for a port nobody uses, for a server that must
// come back on the same address.
async function freePort() {
  const net = require('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// apiMessages reads a board through the HTTP API.
async function apiMessages(url, board) {
  const res = await fetch(`${url}/api/boards/${board}/messages?after=0&limit=200`);
  return (await res.json()).messages;
}

// apiPost posts msg ({ id, text, token, … }) to a board through the HTTP
// API and returns the response.
async function apiPost(url, board, msg) {
  return fetch(`${url}/api/boards/${board}/messages`, { method: 'POST', body: JSON.stringify(msg) });
}

module.exports = { startServer, freePort, apiMessages, apiPost };
