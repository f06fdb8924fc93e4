// GoMLX's side of the MLP comparison: bench/wasm on the backend named in ?backend= ("go", or
// "onnx:wasm" for ONNX Runtime Web, loaded the way the page's worker loads it: CPU build, 1 thread).
'use strict';

const backend = new URL(self.location.href).searchParams.get('backend');
self.benchBackend = backend;
const fail = (e) => postMessage(JSON.stringify({ backend, error: String((e && e.message) || e) }));

try {
  if (backend.startsWith('onnx')) {
    importScripts('/ort/ort.wasm.min.js');
    ort.env.wasm.wasmPaths = new URL('/ort/', self.location.href).href;
    ort.env.wasm.numThreads = 1;
  }
  importScripts('/wasm_exec.js');
  (async () => {
    try {
      const go = new Go();
      const { instance } = await WebAssembly.instantiateStreaming(fetch('/bench/bench.wasm'), go.importObject);
      await go.run(instance); // main posts the result and returns
    } catch (e) { fail(e); }
  })();
} catch (e) { fail(e); }
