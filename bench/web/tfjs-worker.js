// TensorFlow.js's side of the MLP comparison: the model of bench/mlp (784-512-512-784, ReLU,
// Bernoulli log-likelihood summed over pixels, Adam 1e-3, batch 64 of the same kind of random
// binary pixels) on tfjs's wasm backend (SIMD; single-threaded unless ?threads=N and the bench
// page is cross-origin isolated, when tfjs picks its threaded build). Timed like bench/timing: 6 s of warm-up calls, then at least 5
// calls and about 4 s, median. Results are read back to the CPU (dataSync) as GoMLX's are.
'use strict';

const fail = (e) => postMessage(JSON.stringify({ backend: 'tfjs-wasm', error: String((e && e.message) || e) }));

// Untimed calls before each measurement, as bench/wasm does (warmup): V8 compiles wasm in tiers.
const WARMUP_MS = 6000;

function time(fn) {
  const w0 = performance.now();
  do fn(); while (performance.now() - w0 < WARMUP_MS);
  const ds = [];
  const start = performance.now();
  while (ds.length < 5 || (ds.length < 1000 && performance.now() - start < 4000)) {
    const t = performance.now();
    fn();
    ds.push(performance.now() - t);
  }
  ds.sort((a, b) => a - b);
  return { ms: ds[Math.floor(ds.length / 2)], reps: ds.length };
}

try {
  importScripts('/tfjs/tf.min.js', '/tfjs-wasm/tf-backend-wasm.min.js');
  (async () => {
    try {
      tf.wasm.setWasmPaths(new URL('/tfjs-wasm/', self.location.href).href);
      const threads = Number(new URL(self.location.href).searchParams.get('threads'));
      if (threads > 0) tf.wasm.setThreadsCount(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not start');
      await tf.ready();
      const B = 64, D = 784;
      const model = tf.sequential();
      model.add(tf.layers.dense({ inputShape: [D], units: 512, activation: 'relu' }));
      model.add(tf.layers.dense({ units: 512, activation: 'relu' }));
      model.add(tf.layers.dense({ units: D }));
      const opt = tf.train.adam(1e-3);
      const pix = new Float32Array(B * D);
      let s = 1;
      for (let i = 0; i < pix.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        pix[i] = s / 2 ** 32 < 0.3 ? 1 : 0;
      }
      const x = tf.tensor2d(pix, [B, D]);
      // −log p(x) summed over pixels, averaged over the batch (tf's loss averages over both).
      const loss = () => tf.losses.sigmoidCrossEntropy(x, model.apply(x)).mul(D);
      const train = time(() => { const l = opt.minimize(loss, true); l.dataSync(); l.dispose(); });
      const fwd = time(() => { const y = tf.tidy(() => tf.sigmoid(model.apply(x))); y.dataSync(); y.dispose(); });
      postMessage(JSON.stringify({
        backend: 'tfjs-wasm', simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
        multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
        threads: tf.wasm.getThreadsCount(), isolated: self.crossOriginIsolated,
        train_step_ms: train.ms, train_reps: train.reps, forward_ms: fwd.ms, forward_reps: fwd.reps,
      }));
    } catch (e) { fail(e); }
  })();
} catch (e) { fail(e); }
