// Runs the MLP comparison: GoMLX on its Go backend and on ONNX Runtime Web (bench/wasm in
// mlp-worker.js), then TensorFlow.js on its wasm backend (tfjs-worker.js), each in a fresh
// Web Worker, one at a time. Results land in window.benchResults; body data-state="done".
// With ?threads=N (the bench serves that run cross-origin isolated, as serve.go serves the page),
// ONNX Runtime Web and TensorFlow.js run with N threads instead.
'use strict';

const threads = new URLSearchParams(location.search).get('threads');
const engines = threads ? [
  ['onnx_wasm', `mlp-worker.js?backend=onnx:wasm&threads=${threads}`],
  ['tfjs_wasm', `tfjs-worker.js?threads=${threads}`],
] : [
  ['go', 'mlp-worker.js?backend=go'],
  ['onnx_wasm', 'mlp-worker.js?backend=onnx:wasm'],
  ['tfjs_wasm', 'tfjs-worker.js'],
];

function runWorker(url) {
  return new Promise((resolve) => {
    const w = new Worker(url);
    w.onmessage = (e) => { w.terminate(); resolve(JSON.parse(e.data)); };
    w.onerror = (e) => { w.terminate(); resolve({ error: e.message || 'worker failed to load' }); };
  });
}

(async () => {
  const results = {};
  for (const [name, url] of engines) {
    results[name] = await runWorker(url);
    document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  }
  window.benchResults = results;
  document.body.dataset.state = 'done';
})();
