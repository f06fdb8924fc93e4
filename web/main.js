// Starts the model worker and the app (Go + ebiten, wasm/app) in this frame. The app takes the
// worker over and drives the controls of the page around the frame. Anything that stops it
// before it runs is shown on that page, with data-state="error", so that a broken deploy never
// looks like a slow one.
'use strict';

// The model worker starts here, before the app's wasm is fetched, so that its (larger) wasm
// downloads and compiles while the app's does: on two idle cores the first picture came 0.2 s
// sooner (2.71 → 2.49 s, median of 5 cold loads; docs/performance.md). Its messages wait in a
// queue until the app takes it over (wasm/app/app.go, startWorker); a worker the app restarts
// later is the app's own.
window.genlabEarlyWorker = (() => {
  try {
    const worker = new Worker('worker.js');
    const queue = [];
    worker.onmessage = (e) => queue.push(['message', e]);
    worker.onerror = (e) => queue.push(['error', e]);
    return { worker, queue };
  } catch (e) {
    return null; // the app starts its own and reports what fails
  }
})();

(async () => {
  const page = window.parent;
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
