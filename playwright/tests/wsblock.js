// A proxy in front of the real server that answers /ws with an HTML page,
// as a captive portal or a filtering proxy does, and passes everything
// else through (SSE streams included, unbuffered).
const http = require('node:http');

async function startHTMLProxy(target) {
  const up = new URL(target);
  const state = { block: true };
  const upgraded = new Set(); // sockets past an upgrade, which close() does not track
  const srv = http.createServer((req, res) => {
    const preq = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers }, (pres) => {
      res.writeHead(pres.statusCode, pres.headers);
      pres.pipe(res);
    });
    preq.on('error', () => res.destroy());
    req.pipe(preq);
  });
  srv.on('upgrade', (req, socket, head) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    if (state.block) {
      socket.end('HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>WebSocket is not allowed here</body></html>');
      return;
    }
    const preq = http.request({ host: up.hostname, port: up.port, path: req.url, method: req.method, headers: req.headers });
    preq.on('upgrade', (pres, psocket, phead) => {
      let head101 = `HTTP/1.1 101 Switching Protocols\r\n`;
      for (let i = 0; i < pres.rawHeaders.length; i += 2) head101 += `${pres.rawHeaders[i]}: ${pres.rawHeaders[i + 1]}\r\n`;
      socket.write(head101 + '\r\n');
      if (phead.length) socket.write(phead);
      if (head.length) psocket.write(head);
      upgraded.add(psocket);
      psocket.on('close', () => upgraded.delete(psocket));
      psocket.pipe(socket).pipe(psocket);
      socket.on('error', () => psocket.destroy());
      psocket.on('error', () => socket.destroy());
    });
    preq.on('error', () => socket.destroy());
    preq.end();
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${srv.address().port}`,
    state,
    close: () => new Promise((r) => {
      for (const s of upgraded) s.destroy();
      srv.closeAllConnections();
      srv.close(r);
    }),
  };
}

module.exports = { startHTMLProxy };
