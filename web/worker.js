// The model worker: Go's wasm_exec.js, then the Go program (wasm/worker), which answers the
// app's messages. ONNX Runtime Web is loaded into the worker's global scope (where GoMLX's ONNX
// backend finds `ort`) when the Go program asks for it; if it fails to load, the Go program is
// told why and runs the models on GoMLX's Go backend instead.
'use strict';

const here = (path) => new URL(path, self.location.href).href;

// Wall-clock times (ms since the epoch) of the first picture's stages: the bench's breakdown of
// the first grid (wasm/worker/first.go adds its own and sends them with the picture).
self.genlabMarks = {};
self.genlabMark = (stage) => { self.genlabMarks[stage] = performance.timeOrigin + performance.now(); };
genlabMark('worker');

// ONNX Runtime Web's threads: they need SharedArrayBuffer, so cross-origin isolation (serve.go's
// COOP/COEP headers). One core is left to the page's main thread, which draws, and to the rest of
// the machine, except on 2 cores, where both are used: since training runs 4 steps per ORT call
// (model.StepsPerCallORT), 2 threads there train as fast as one and sample ~25% faster (make
// bench's *_threads rows against the single-threaded ones, docs/performance.md; the page's
// frames stay smooth: its frame-interval row is measured with them). 4 at most, where ORT's own
// default stops too.
const ortThreads = () => {
  // The page's count, passed in the worker's URL: the same as the worker's own in browsers, and
  // the one a test can emulate (e2e TestThreads).
  const cores = Number(new URLSearchParams(self.location.search).get('cores')) || self.navigator.hardwareConcurrency || 1;
  return self.crossOriginIsolated && cores >= 2 ? Math.min(4, Math.max(2, cores - 1)) : 1;
};

// Loaded when the Go program first asks (its backends, wasm/worker/backend.go), not before the
// first picture, which the Go backend draws: '' when ORT is ready, else why it is not.
self.genlabLoadOrt = () => {
  if (self.genlabOrtError === undefined) {
    try {
      importScripts(here('ort/ort.wasm.min.js'));
      // Without wasmPaths, ORT looks for its .wasm beside this script and fails.
      ort.env.wasm.wasmPaths = here('ort/');
      ort.env.wasm.numThreads = self.genlabOrtThreads = ortThreads();
      self.genlabOrtError = '';
    } catch (e) {
      self.genlabOrtError = String(e && e.message || e);
    }
  }
  return self.genlabOrtError;
};

// The first picture's weights (wasm/worker/first.go) are fetched while the wasm compiles; the
// Go program's fetches go through genlabFetch, which hands this response over. 'vae-digits' is
// protocol.DefaultModel (wasm/protocol's tests check it). Models the worker does not draw first,
// and those whose sampling reads every variable, have no first.bin: their prefetch is one 404.
const prefetched = {};
const firstLink = new URLSearchParams(self.location.search).get('first');
const firstModel = firstLink === null ? null : new URLSearchParams(firstLink).get('model') || 'vae-digits';
{
  const name = firstModel;
  if (name && /^[a-z0-9-]{1,64}$/.test(name)) {
    const url = here(`pretrained/${name}/first.bin`);
    prefetched[url] = fetch(url);
    prefetched[url].catch(() => {}); // the Go program's own fetch reports failures
  }
}
self.genlabFetch = (path) => {
  const url = here(path);
  const p = prefetched[url];
  delete prefetched[url];
  return p || fetch(url);
};

importScripts(here('wasm_exec.js'));

// instantiate compiles a Go program's wasm as it streams in (from its bytes where a static host
// sends .wasm with another Content-Type).
const instantiate = async (path, go) => {
  const url = here(path);
  try {
    return await WebAssembly.instantiateStreaming(fetch(url), go.importObject);
  } catch (streamingError) {
    const resp = await fetch(url);
    if (!resp.ok) throw new Error(`${path}: HTTP ${resp.status}`);
    return WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
  }
};

// The models whose first picture the small first-picture program draws (core/first's drawn list;
// its tests check this one): for their links it runs first, alone on the network and the cores,
// and the model worker's 27 MB wasm is fetched after it (issue 7: the first grid within 1.5 s and
// 5 MB). It leaves anything it cannot draw to the model worker.
// Once it has drawn, the model worker's wasm waits for main.js's word that the picture is on
// screen (or 2 s), so that its 3.3 MB do not share the network with the picture's last steps.
const FIRST_DRAWN = ['vae-digits'];
const painted = new Promise((resolve) => {
  const onPainted = (e) => {
    if (e.data && e.data.genlabPainted) {
      self.removeEventListener('message', onPainted);
      resolve();
    }
  };
  self.addEventListener('message', onPainted);
  setTimeout(resolve, 2000);
});
const firstPicture = async () => {
  if (!FIRST_DRAWN.includes(firstModel)) return;
  try {
    const go = new Go();
    const result = await instantiate('wasm/first.wasm', go);
    genlabMark('first-wasm');
    await go.run(result.instance);
    if (self.genlabFirstGrid) await painted;
  } catch (e) {
    console.warn(`genlab: no first-picture program (the model worker draws it): ${String(e && e.message || e)}`);
  }
};

(async () => {
  // The Go program can't report its own end: this tells the app, which starts a new worker.
  const crashed = (msg) => postMessage({ json: JSON.stringify({ kind: 'crashed', error: msg }) });
  try {
    await firstPicture();
    const go = new Go();
    go.exit = (code) => { if (code !== 0) crashed(`The model worker stopped with exit code ${code} (see the console).`); };
    const result = await instantiate('wasm/worker.wasm', go);
    genlabMark('wasm');
    await go.run(result.instance);
  } catch (e) {
    crashed(`The model worker could not start: ${String(e && e.message || e).replace(/\.?$/, '.')}`);
  }
})();
