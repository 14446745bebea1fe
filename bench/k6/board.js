// A load test users can run against their own liveboard (k6 v1.8.1):
// readers over WebSocket, posters over the HTTP API, and thresholds on the
// time from a post's request to its delivery to every reader.
//
//   go install go.k6.io/k6@v1.8.1
//   k6 run bench/k6/board.js                        # http://127.0.0.1:8080, board k6
//   k6 run -e BASE=https://board.example -e READERS=500 -e RATE=20 bench/k6/board.js
//
// The posters' rate limit is per author: each post uses its own token, so
// that a fast run is not refused (start the server with a large
// -post-burst to post more than 200 per 10 s from one address).
import ws from 'k6/ws';
import http from 'k6/http';
import { check } from 'k6';
import { Trend, Counter } from 'k6/metrics';

const BASE = __ENV.BASE || 'http://127.0.0.1:8080';
const BOARD = __ENV.BOARD || 'k6';
const READERS = Number(__ENV.READERS || 100);
const RATE = Number(__ENV.RATE || 5); // posts per second
const DURATION = __ENV.DURATION || '30s';

const delivery = new Trend('delivery_ms', true);
const delivered = new Counter('deliveries');

export const options = {
  scenarios: {
    readers: {
      executor: 'per-vu-iterations', vus: READERS, iterations: 1, maxDuration: '10m', exec: 'reader',
    },
    posters: {
      executor: 'constant-arrival-rate', rate: RATE, timeUnit: '1s', duration: DURATION,
      preAllocatedVUs: Math.max(5, RATE), startTime: '5s', exec: 'poster',
    },
  },
  thresholds: {
    delivery_ms: ['p(95)<500', 'p(99)<1000'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

const wsBase = BASE.replace(/^http/, 'ws');
// Readers stay for the posters' run, plus its start and a tail.
const readFor = (parseDuration(DURATION) + 10) * 1000;

export function reader() {
  const res = ws.connect(`${wsBase}/ws?board=${BOARD}`, {}, (socket) => {
    let synced = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'hello', token: `k6-reader-${__VU}-0123456789` })));
    socket.on('message', (data) => {
      const f = JSON.parse(data);
      if (f.type === 'synced') synced = true;
      if (!synced || f.type !== 'message') return;
      const m = /^k6 sent=(\d+)/.exec(f.text || '');
      if (m) {
        delivery.add(Date.now() - Number(m[1]));
        delivered.add(1);
      }
    });
    socket.setTimeout(() => socket.close(), readFor);
  });
  check(res, { 'websocket opened (101)': (r) => r && r.status === 101 });
}

export function poster() {
  const id = `k6-${__VU}-${__ITER}-${Date.now()}`;
  const res = http.post(`${BASE}/api/boards/${BOARD}/messages`,
    JSON.stringify({ id, text: `k6 sent=${Date.now()}`, name: 'k6', token: `k6-poster-${id}-0123456789` }),
    { headers: { 'Content-Type': 'application/json' } });
  check(res, { 'post stored (201)': (r) => r.status === 201 });
}

function parseDuration(s) {
  const m = /^(\d+)(ms|s|m)$/.exec(s);
  if (!m) return 30;
  return { ms: Number(m[1]) / 1000, s: Number(m[1]), m: Number(m[1]) * 60 }[m[2]];
}
