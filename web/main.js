// Starts the model worker and the app (Go + ebiten, wasm/app) in this frame. The app takes the
// worker over and drives the controls of the page around the frame. Anything that stops it
// before it runs is shown on that page, with data-state="error", so that a broken deploy never
// looks like a slow one.
'use strict';

// The page's first picture is drawn here, before the app is up (the app — Go, ebiten, 12.8 MB
// of wasm — takes ~1.6 s to start, more than the worker needs for the picture): the worker is
// started with the page's link (worker.js?first=QUERY) by index.html's head, before anything
// else loads (or here, when this frame is opened alone), draws its first grid unasked (message id
// -1, wasm/first for the MLP VAEs, else wasm/worker/first.go) and this script paints it in the app's layout, on a canvas over the
// app's, until the app draws its own (the same pixels, which the worker kept). The app's wasm is
// fetched only then, so that the first picture shares neither the network nor the cores with it
// (issue 7: 1.5 s and 5 MB before the first grid). Links whose first picture the worker does not
// draw (MADE, diffusion, views, the lab) start the app at once. The worker's other messages wait
// in a queue until the app takes it over (wasm/app/app.go, startWorker).
const FIRST_ID = -1;
const page = window.parent;
let appStarted = false;
const startApp = () => {
  if (!appStarted) {
    appStarted = true;
    runApp();
  }
};

// The worker's URL: the page's core count (the worker's own in browsers; tests emulate it only
// for the page) and, for the first worker, the link whose first picture it draws. index.html's
// head builds the same before this script exists; the app calls this one on a restart.
window.genlabWorkerURL = (first) =>
  `worker.js?cores=${page.navigator.hardwareConcurrency}` + (first === undefined ? '' : `&first=${encodeURIComponent(first)}`);

window.genlabEarlyWorker = (() => {
  try {
    // index.html's head started it (this frame, as a page of its own, starts it here).
    const early = page.genlabEarly;
    page.genlabEarly = null;
    const worker = early ? early.worker : new Worker(window.genlabWorkerURL(page.location.search));
    const queue = [];
    const onmessage = (e) => {
      let r = null;
      try { r = JSON.parse(e.data.json); } catch (_) { /* the app reports bad messages */ }
      if (r && r.id === FIRST_ID) {
        if (r.kind === 'grid') {
          paintFirst(r, e.data.pix);
          worker.postMessage({ genlabPainted: true }); // worker.js starts the model worker's wasm
        }
        else if (r.kind === 'error') console.warn('genlab: no early first picture: ' + r.error);
        startApp();
        return;
      }
      queue.push(['message', e]);
      if (r && r.kind === 'crashed') startApp();
    };
    const onerror = (e) => { queue.push(['error', e]); startApp(); };
    worker.onmessage = onmessage;
    worker.onerror = onerror;
    for (const [kind, e] of early ? early.queue : []) (kind === 'message' ? onmessage : onerror)(e);
    // However slow the worker, the app (controls, notices) is not held back longer than this.
    setTimeout(startApp, 4000);
    return { worker, queue };
  } catch (e) {
    return null; // the app starts its own and reports what fails
  }
})();

// Chromium 148 crashes the renderer, and with it the page the user went on to, when it keeps a
// page whose model worker is alive in its back/forward cache (e2e TestFaults, leaving a MADE page;
// Chromium 156 did not). So leaving the page for the cache ends the worker, and coming back
// loads the page anew: what a browser without that cache does.
window.addEventListener('pagehide', (e) => {
  if (!e.persisted) return;
  const early = window.genlabEarlyWorker;
  for (const w of [window.genlabWorker, early && early.worker]) if (w) w.terminate();
});
window.addEventListener('pageshow', (e) => { if (e.persisted) page.location.reload(); });

// paintFirst draws a grid as the app's game.go lays it out (960×600 logical pixels scaled to fit,
// the samples panel on the left), and records when, for genlab.status().firstGridMs.
function paintFirst(r, pix) {
  const g = r.grid;
  if (!g || !pix || pix.byteLength !== 4 * g.w * g.h || document.getElementById('genlab-first')) return;
  const dpr = window.devicePixelRatio || 1;
  const cv = document.createElement('canvas');
  cv.id = 'genlab-first';
  cv.width = Math.round(window.innerWidth * dpr);
  cv.height = Math.round(window.innerHeight * dpr);
  cv.style.cssText = 'position:fixed;left:0;top:0;width:100%;height:100%;z-index:10';
  const ctx = cv.getContext('2d');
  const k = Math.min(cv.width / 960, cv.height / 600);
  const ox = (cv.width - 960 * k) / 2, oy = (cv.height - 600 * k) / 2;
  const rect = (x, y, w, h, c) => { ctx.fillStyle = c; ctx.fillRect(ox + x * k, oy + y * k, w * k, h * k); };
  ctx.fillStyle = 'rgb(22,24,29)';
  ctx.fillRect(0, 0, cv.width, cv.height);
  rect(20, 16, 540, 530, 'rgb(32,35,43)');
  rect(580, 16, 360, 530, 'rgb(32,35,43)');
  ctx.fillStyle = 'rgb(226,230,236)';
  ctx.font = `${14 * k}px sans-serif`;
  ctx.textBaseline = 'top';
  ctx.fillText(g.title, ox + 32 * k, oy + 26 * k);
  const img = document.createElement('canvas');
  img.width = g.w;
  img.height = g.h;
  img.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(pix), g.w, g.h), 0, 0);
  const bw = 520 * k, bh = 484 * k; // the picture's box: x+10, y+36, w-20, h-46
  let s = Math.min(bw / g.w, bh / g.h);
  const whole = Math.floor(s);
  ctx.imageSmoothingEnabled = !(whole >= 1 && whole >= 0.8 * s);
  if (!ctx.imageSmoothingEnabled) s = whole;
  ctx.drawImage(img, Math.round(ox + 30 * k + (bw - g.w * s) / 2), Math.round(oy + 52 * k + (bh - g.h * s) / 2), g.w * s, g.h * s);
  document.body.appendChild(cv);
  window.genlabFirstPaintMs = page.performance.now();
  // The worker's stages, on the page's clock (ms since navigation), for status().firstMarks.
  const nav = page.performance.getEntriesByType('navigation')[0];
  window.genlabFirstMarks = { painted: Math.round(window.genlabFirstPaintMs), html: Math.round(nav ? nav.responseEnd : 0), head: Math.round(page.genlabHeadMs || 0) };
  for (const [stage, t] of Object.entries(r.marks || {})) {
    window.genlabFirstMarks[stage] = Math.round(t - page.performance.timeOrigin);
  }
  // Until the app is up (it replaces this), the test hooks can see the picture arrive.
  if (!page.genlab) {
    page.genlab = { status: () => ({ state: page.document.body.dataset.state, firstGridMs: window.genlabFirstPaintMs, firstPaintMs: window.genlabFirstPaintMs, firstMarks: window.genlabFirstMarks }) };
  }
}

function runApp() {
  (async () => {
    const fail = (msg) => {
      console.error('genlab: ' + msg);
      const banner = page.document.getElementById('error');
      if (banner) {
        banner.textContent = 'The page could not start: ' + msg;
        banner.hidden = false;
      }
      page.document.body.dataset.state = 'error';
    };
    try {
      const go = new Go();
      go.exit = (code) => { if (code !== 0) fail(`the app stopped with exit code ${code} (see the console)`); };
      const url = 'wasm/app.wasm';
      let result;
      try {
        result = await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
      } catch (streamingError) {
        // Some static hosts send .wasm with a wrong Content-Type; instantiate from bytes instead.
        const resp = await fetch(url);
        if (!resp.ok) throw new Error(`${url}: HTTP ${resp.status}`);
        result = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
      }
      await go.run(result.instance);
    } catch (e) {
      fail(String(e && e.message || e));
    }
  })();
}

if (!window.genlabEarlyWorker) startApp();
