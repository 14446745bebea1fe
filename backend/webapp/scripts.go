package webapp

// wasmPreload starts fetching app.wasm while the page is parsed, not once
// app.js has run. It matches go-app's fetch (same URL, CORS mode, same-
// origin credentials), so the browser hands that fetch this response
// instead of downloading twice (pwa.spec.js checks there is one download).
const wasmPreload = `<link rel="preload" href="/web/app.wasm" as="fetch" type="application/wasm" crossorigin>`

// earlySocket opens the board's WebSocket while the page is parsed, so the
// connection overlaps app.wasm's download and start. It sends the hello
// the client stored last time (shared/client's SaveHello, under
// liveboard.hello) and only queues what arrives; the Wasm's client takes
// the socket and the queue over (frontend/ui/early.go) and applies them.
// It renders nothing and never writes the status.
//
// A first visit has no stored hello. The script then writes the one a
// fresh client opens with: this browser's token, made here as
// frontend/ui's token() makes it (52 characters of base32 from the
// browser's CSPRNG, kept under liveboard.token as go-app stores strings,
// as JSON), and the stored name if any. The client reads that token and
// adopts the socket only if its own hello is the same, byte for byte;
// where the encodings could differ (a name that Go's JSON escapes and
// JavaScript's does not) it closes it and dials.
//
// Unclaimed, it closes: after earlyUnclaimedMS, or past earlyMaxFrames
// frames, so a page whose Wasm never runs holds no socket. Its text is
// fixed: the CSP allows it by hash.
const earlySocket = `<script>
(function () {
  if (!window.WebSocket || !window.crypto || !crypto.getRandomValues) return;
  var stored = function (key) {
    try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
  };
  var hello = stored("liveboard.hello");
  if (typeof hello !== "string") {
    var token = stored("liveboard.token"), name = stored("liveboard.name");
    if (typeof token !== "string" || token.length < 16) {
      var abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", bytes = crypto.getRandomValues(new Uint8Array(52));
      token = "";
      for (var i = 0; i < bytes.length; i++) token += abc[bytes[i] & 31];
      try { localStorage.setItem("liveboard.token", JSON.stringify(token)); } catch (e) { return; }
    }
    var frame = { type: "hello", token: token };
    if (typeof name === "string" && name) frame.name = name;
    hello = JSON.stringify(frame);
  }
  var path = location.pathname;
  var board = /^\/b\/[a-z0-9_-]{1,64}$/.test(path) ? path.slice(3) : "lobby";
  var ws = new WebSocket(location.origin.replace(/^http/, "ws") + "/ws?board=" + board);
  var early = window.liveboardEarly = { ws: ws, hello: hello, frames: [], closed: false, taken: false };
  var drop = function () { early.closed = true; ws.close(); };
  ws.onopen = function () { ws.send(hello); };
  ws.onmessage = function (e) { if (early.frames.push(e.data) > ` + earlyMaxFrames + `) drop(); };
  ws.onclose = ws.onerror = function () { early.closed = true; };
  setTimeout(function () { if (!early.taken) drop(); }, ` + earlyUnclaimedMS + `);
})();
</script>`

// draftKeeper saves what is typed into the pre-rendered composer before
// the Wasm takes the page over (go-app replaces the DOM when it starts, it
// does not hydrate); the app restores it from local storage. A classic
// form post clears it, as a sent message should.
const draftKeeper = `<script>
(function () {
  var board = location.pathname.indexOf("/b/") === 0 ? location.pathname.slice(3) : "lobby";
  document.addEventListener("input", function (e) {
    var t = e.target;
    if (window.liveboardMounted || !t) return;
    if (t.id === "composer") {
      if (t.value) localStorage.setItem("liveboard.draft." + board, JSON.stringify(t.value));
      else localStorage.removeItem("liveboard.draft." + board);
    }
    if (t.id === "name") localStorage.setItem("liveboard.name", JSON.stringify(t.value));
  }, true);
  document.addEventListener("submit", function () {
    if (!window.liveboardMounted) localStorage.removeItem("liveboard.draft." + board);
  }, true);
})();
</script>`

// clockWarmup makes the page's clock format (frontend/ui/timefmt.go) in
// a task of its own right after the first paint, while app.wasm still
// downloads or compiles. The first Intl.DateTimeFormat of a page loads
// the locale's data: 15–55 ms in CPU profiles of this machine, inside the
// Wasm's first render when the Wasm made it. (Waiting for the browser to
// be idle was too late on a warm visit: it is never idle before the Wasm
// runs.) The Wasm calls liveboardClock() and gets the same formatter,
// made then or at that call.
const clockWarmup = `<script>
(function () {
  var clock;
  window.liveboardClock = function () {
    return clock || (clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" }));
  };
  requestAnimationFrame(function () { setTimeout(window.liveboardClock, 0); });
})();
</script>`

// inlineScripts are the page's inline scripts, in the order the page
// carries them (after wasmPreload); each is allowed by its hash in the CSP.
var inlineScripts = []string{earlySocket, draftKeeper, clockWarmup}

// serviceWorker is the app's service worker. It differs from go-app's in
// one way: page loads go to the network first and fall back to the cached
// shell, so a board is fresh when online and still opens offline; with
// navigation preload, so that the page's request does not wait for the
// worker to start (a returning visit after the browser stopped it). Other
// resources (app.wasm, scripts, icons) come from the cache of this
// version; a new version (a new app.wasm) installs a new cache.
const serviceWorker = `const cacheName = "app-" + "{{.Version}}";
const resourcesToCache = {{.ResourcesToCache}};

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // The resources come straight from this version's cache, without
    // starting the worker and running its fetch handler: on a returning
    // visit, app.js and app.wasm waited for both. A resource missing from
    // the cache goes to the network, as the fetch handler would send it.
    if (event.addRoutes) {
      await event.addRoutes(resourcesToCache.filter((path) => path !== "/").map((path) => ({
        condition: { urlPattern: path, requestMethod: "GET" },
        source: { cacheName: cacheName },
      }))).catch(() => {});
    }
    const cache = await caches.open(cacheName);
    await cache.addAll(resourcesToCache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key !== cacheName) await caches.delete(key);
    }
    // A page's request starts while the worker is still starting up.
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname === "/ws") return;
  if (req.mode === "navigate") {
    event.respondWith((async () => {
      try {
        const fresh = (await event.preloadResponse) || (await fetch(req));
        const cache = await caches.open(cacheName);
        cache.put(req, fresh.clone());
        return fresh;
      } catch (err) {
        return (await caches.match(req)) || (await caches.match("/")) || Response.error();
      }
    })());
    return;
  }
  event.respondWith((async () => (await caches.match(req)) || fetch(req))());
});
`
