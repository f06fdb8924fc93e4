// GoMLX's side of the MLP comparison: bench/wasm on the backend named in ?backend= ("go", or
// "onnx:wasm" for ONNX Runtime Web, loaded the way the page's worker loads it: CPU build, 1 thread,
// or ?threads=N, which takes effect only when the bench page is cross-origin isolated).
'use strict';

const params = new URL(self.location.href).searchParams;
const backend = params.get('backend');
const threads = Number(params.get('threads')) || 1;
self.benchBackend = backend;
const post = self.postMessage.bind(self);
const fail = (e) => post(JSON.stringify({ backend, error: String((e && e.message) || e) }));

// On ONNX Runtime Web, the forward pass is split in two: after bench/wasm has timed GoMLX's
// forward, the ORT session it last ran (the forward graph as GoMLX compiled it, weights embedded
// as initializers) runs again from JS on the same feeds. ort_run_ms is then ORT's own time
// (input copied into its heap, run, output copied out to a JS array) and forward_ms − ort_run_ms
// what GoMLX adds (its graph bookkeeping, the Go↔JS copies, the promise round trip into Go).
let lastRun = null;
let answer = null;

// Timed like bench/timing: one warm-up call, then at least 5 calls and about 4 s, median.
async function timeAsync(fn) {
  await fn();
  const ds = [];
  const start = performance.now();
  while (ds.length < 5 || (ds.length < 1000 && performance.now() - start < 4000)) {
    const t = performance.now();
    await fn();
    ds.push(performance.now() - t);
  }
  ds.sort((a, b) => a - b);
  return { ms: ds[Math.floor(ds.length / 2)], reps: ds.length };
}

try {
  if (backend.startsWith('onnx')) {
    importScripts('/ort/ort.wasm.min.js');
    ort.env.wasm.wasmPaths = new URL('/ort/', self.location.href).href;
    ort.env.wasm.numThreads = threads;
    const run = ort.InferenceSession.prototype.run;
    ort.InferenceSession.prototype.run = function (feeds, ...rest) {
      lastRun = { session: this, feeds, run };
      return run.call(this, feeds, ...rest);
    };
    self.postMessage = (msg) => { answer = msg; }; // posted once the split is measured
  }
  importScripts('/wasm_exec.js');
  (async () => {
    try {
      const go = new Go();
      const { instance } = await WebAssembly.instantiateStreaming(fetch('/bench/bench.wasm'), go.importObject);
      await go.run(instance); // main posts the result and returns
      if (answer === null) return;
      const r = JSON.parse(answer);
      if (!r.error && lastRun) {
        const { session, feeds, run } = lastRun;
        const out = session.outputNames[0];
        const t = await timeAsync(async () => { (await run.call(session, feeds))[out].data; });
        r.ort_run_ms = t.ms;
        r.ort_run_reps = t.reps;
      }
      if (backend.startsWith('onnx')) {
        r.threads = ort.env.wasm.numThreads;
        r.isolated = self.crossOriginIsolated;
      }
      post(JSON.stringify(r));
    } catch (e) { fail(e); }
  })();
} catch (e) { fail(e); }
