// serveFloor serves a floor's static site (built by the Taskfile's
// build:floor from bench/floor) on a free loopback port, as liveboard
// serves its own files: the precompressed brotli variant where the
// browser takes it, and every file cacheable (the go-app floor's service
// worker caches its own). It resolves to { url, close }.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json',
};

function serveFloor(dir) {
  dir = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const name = new URL(req.url, 'http://floor').pathname;
    const file = path.join(dir, name.endsWith('/') ? name + 'index.html' : name);
    if (!file.startsWith(dir + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    const header = { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'max-age=3600', Vary: 'Accept-Encoding' };
    let body = file;
    if (/\bbr\b/.test(req.headers['accept-encoding'] || '') && fs.existsSync(file + '.br')) {
      header['Content-Encoding'] = 'br';
      body = file + '.br';
    }
    res.writeHead(200, header);
    fs.createReadStream(body).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
  })));
}

// floors are the two floors: a short id, and the directory the Taskfile's
// build:floor writes the floor's site to.
const built = path.join(__dirname, '..', '..', '.task', 'floor');
const floors = [
  { name: 'floor: Go runtime only', id: 'runtime', dir: path.join(built, 'runtime'), worker: false },
  { name: 'floor: go-app page', id: 'goapp', dir: path.join(built, 'goapp'), worker: true },
];

module.exports = { serveFloor, floors };
