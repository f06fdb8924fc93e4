package main

// pageNotes is the record of the work on the page's budgets (issue 7, item 3). Like convHistory
// it is not re-measured by each run: the figures are from the runs named.
const pageNotes = `
## The page's budgets: what was tried (2026-11-30, 22:45–23:50 UTC)

Measured on the 2 shared cores at load average 8–20 (two trainings and other helpers' builds
and browsers): single page loads move by 2× from run to run, so compare medians taken close
together. Commands: ` + "`build/bench --skip native,mlp,grids`" + ` (the page part of this
report), a throwaway chromedp probe for the frame intervals (requestAnimationFrame while
` + "`genlab.train(200)`" + `, and a PerformanceObserver for main-thread long tasks), and
` + "`GENLAB_E2E_REQUIRE=1 GENLAB_SERVE=$PWD/build/serve go test -run TestPage ./e2e`" + `.

**Frames while training.** There was no long task on the main thread at all, yet the intervals
were p50 200 ms, p95 1083 ms: ebiten presented its canvas on every animation frame even when Draw
drew nothing, and with software WebGL (headless Chromium has no GPU) each presented frame stalled
the page's frames. Drawing only on change (ebiten's FPSModeVsyncOffMinimum, wasm/app/frames.go):
p50 17 ms, p95 783 ms (each of the ~12 training reports a second still drew a frame of ~300 ms);
without a periodic "just in case" frame and with training progress drawn at most once a second:
p50 17 ms, p95 17–33 ms in the probe. In this report's run the page also compiles ONNX Runtime
while training starts, and the idle row above is the machine's own share.

**First grid.** TestPage's breakdown before: first grid 8.05 s = worker up 4.27 s (its 30 MB wasm
compiled) + model loaded 3.29 s (mostly ONNX Runtime Web's 14 MB wasm fetched and compiled) +
first sample 0.4 s. The same link on the Go backend drew the same pixels with a 1.6 s load
instead of 3.1 s, so the first picture is now drawn on Go and ORT is loaded after it
(wasm/worker/upgrade.go): this report's page part went from 7022 ms [6102 7022 7860] and
12694866 bytes (load 12–16) to 5255 ms [4369 5255 6813] and 10154981 bytes (load ~10); TestPage:
first grid 4.67 s (worker up 3.43 s, model loaded 0.96 s). Starting the worker from main.js
while the app's wasm compiles (8 interleaved cold loads each way, load 8–20) made no difference
to measure (medians 8.0 vs 8.4 s): the cores, not the order, are the limit. Not kept.

**Bytes before the first grid.** Brotli on the weights (make web, -q 9): vae-digits 4368824 →
4065519 bytes. What is left and what it would take (sizes in bytes, raw / brotli -q 11):

| file | raw | brotli | what is in it |
|---|---|---|---|
| app.wasm | 12.8 M | 2.24 M | ebiten with its shader compiler (go/parser, go/constant, math/big, text/template), encoding/json (v2 in Go 1.27: ~0.8 MB of code) |
| worker.wasm | 30.4 M | 3.79 M | GoMLX, its Go backend (ops 4.0 MB, matmul 1.7 MB of code), GoMLX's ONNX backend with protobuf, all families |
| worker.wasm without the ONNX backend | 18.7 M | 2.39 M | the ONNX backend and protobuf cost 1.4 MB brotli |
| the same, vae family only | 18.6 M | 2.37 M | the families cost little |
| ort-wasm-simd-threaded.wasm | 14.2 M | 2.30 M | now loaded after the first grid |
| vae-digits weights.bin | 4.37 M | 4.07 M | float32, encoder and decoder; sampling needs only the decoder, 0.54 M parameters (2.16 MB float32, 1.08 MB float16, 0.54 MB int8) |

So 5 MB cannot hold the two programs as they are plus any weights: app 2.24 + a worker without
ONNX Runtime 2.39 = 4.63 MB leaves ~0.35 MB for weights. Meeting it needs a second worker
build without the ONNX backend for the first picture (the ORT one loaded after), sampling weights
of ≤ ~0.3 MB (the decoder only, at ~4 bits a weight, decoded in the worker), or an app without
ebiten's shader compiler and encoding/json. Not done yet.

**2026-12-01: float16 weights for the page, and no gonum in the worker.** The page now fetches
pretrained/<model>/page.bin, a float16 copy of weights.bin that ` + "`make web`" + ` writes
(` + "`genlab webweights`" + `; model.Halve, widened back to float32 on load; the page falls back to
weights.bin where there is none): vae-digits 4368824 → 2184984 bytes raw, 2030548 brotli -q 9
(was 4065519), and its test NLL moves from 89.2940 to 89.2944 nats (` + "`genlab eval --model vae-digits`" + `
on either file). GAN evaluation (core/eval, with gonum for the Fréchet distance's matrix square
root) is now native only: the worker's wasm went from 30482634 to 26906529 bytes raw, 3823020 →
3340039 brotli -q 11. Together ~2.5 MB less before the first grid; what is left is the two
programs (app 2.24 MB, worker 3.34 MB) and the float16 weights (2.03 MB): the plan above (a
worker without ONNX Runtime for the first picture, ~1.9 MB, and decoder-only weights) is still
what 5 MB needs.

**2026-12-01: first grid.** Measured with this machine's trainings paused (SIGSTOP), so on two
otherwise idle cores: ` + "`build/bench --skip native,mlp,grids --first-grid-runs 5`" + `, median [runs] in ms.

| change | first grid | TestPage: worker up / model loaded / first sample |
|---|---|---|
| before (float16 weights already) | 2707 [2481 2707 2779] | 1.83 / 0.77 / 0.09 s |
| the worker started by main.js, beside the app's wasm (its queued messages handed to the app) | 2492 [2341 2347 2492 2506 3025] | 1.58 / 0.72 / 0.12 s |
| a model loaded from weights built without drawing random initial values first (Spec.NewStore: a GoMLX Loader hands each variable its loaded value as the model creates it; vae-digits build 0.4–0.8 → 0.1 s in node's wasm), one decode per load, float16 widened by table | 2088 [1973 1983 2088 2093 2190] | 1.63 / 0.54 / 0.16 s |
| no trial sample on the Go backend (the first picture compiles its graph) | 2307 [2179 2200 2307 2448 2535], then 2507 and 2597 in two more runs | 1.68 / 0.39 / 0.24 s |

The last row shows the machine's spread between runs minutes apart (±0.3 s), as large as the
change; its work saved is one sampling run.

**Is the worker's size what is left?** No. A worker built without the ONNX backend (what a
"first-picture worker" would be: 19.0 MB raw, 2476009 bytes brotli against 3315037) served in
place of the real one, 5 cold loads each, back to back: first grid 2162 ms [2017 2079 2162 2230
2242] and 6793054 bytes, against 1992 ms [1927 1930 1992 2073 2125] and 7632082 bytes with the
full worker. It saves 0.84 MB, not time: since the worker starts beside the app, the app is the
critical path. Its hello waits in main.js's queue until the app's Go program reaches startWorker,
~1.6 s after navigation (TestPage's "worker up"): the 12.8 MB app.wasm fetched and compiled, the
Go runtime and ebiten initialised. So the 1.5 s budget now needs a faster app start (or a first
picture drawn before ebiten is up), and the 5 MB budget a smaller app or ~1.2 MB less in the
worker and weights together (the ONNX-free worker above, and decoder-only weights for the
first model, ~1 MB less at float16). Not done.

**2026-12-01 (later): the first picture before the app, from first.bin.** Two changes
(web/main.js, wasm/worker/first.go, model.FirstCopy):
1. The worker draws the link's first picture unasked: main.js starts it as
   ` + "`worker.js?first=<the page's query>`" + `, it loads the model on the Go backend and sends the grid
   (message id −1); main.js paints it, in the app's layout, on a canvas over the app's frame, and
   only then fetches the app's wasm. The app's identical first request gets the same pixels from
   the worker (kept, not recomputed); the app removes the canvas when it draws its own picture
   (or fails). Links whose first picture is not one run of Sample (MADE, diffusion, views, the
   lab) start the app at once, as before; the app is never held back more than 4 s.
2. ` + "`genlab webweights`" + ` also writes first.bin: page.bin with every variable group that sampling
   does not read set to zeros (vae-digits: /encoder; GANs: D and G's raw weights, since samples
   come from G's average), proven at build time by bit-identical samples for two seeds
   (cmd/genlab TestTrainSampleEval also compares a sample grid from first.bin and page.bin).
   Zeros cost brotli nothing: vae-digits 2030548 → 1002701 bytes on the wire.

A/B on this machine minutes apart (` + "`build/bench --skip native,mlp,grids --first-grid-runs 5`" + `,
the same worker, only web/main.js swapped back; load average ~2.3–3.5, and this machine was
slower than the one of the 05:38 run above, so compare the two rows with each other only):

| page | first grid, median [runs] ms | bytes before it |
|---|---|---|
| before (app first, page.bin) | 5811 [5197 5281 5811 5990 6011] | 7638917 |
| first picture by main.js from first.bin | 2991 [2743 2866 2991 2992 3187] | **4365733** (budget 5000000: met) |

What is transferred before the first grid now: worker.wasm 3333487, first.bin 1002701, the
page's html/js/css 29545; app.wasm is fetched after it. The 1.5 s budget is still missed: what
is left is the worker's own start (its 27 MB wasm compiled, the Go runtime and GoMLX
initialised) and the model's load on the Go backend; not measured apart yet.

**2026-12-02: the worker from the page's head, first.bin prefetched.** The bench now lets each
fresh browser settle for 2 s before it navigates (a user's browser is already running when a
link is opened; before, the browser's own start-up, ~1 s of both cores, overlapped the first
load), and records more stages (the table above). Same machine, trainings paused, back to back,
` + "`build/bench --skip native,mlp,grids --first-grid-runs 5`" + `:

| page | first grid, median [runs] ms | stages (ms after navigation) |
|---|---|---|
| before (the worker started by app.html's main.js) | 2132 [1981 2034 2132 2224 2352] | worker script 486, wasm 1102, Go main 1302, first.bin 1507, built 1852, sampled 2085 |
| the worker started by an inline script first in index.html's head | 1919 [1773 1800 1919 2108 2470] | head 163, worker script 370, wasm 975, Go main 1146, first.bin 1314, built 1689, sampled 1868 |
| and first.bin fetched by worker.js while the wasm compiles (handed to the Go program's fetch) | 1742 [1666 1742 1742 1746 1783]; again later 1759 [1736 1755 1759 1773 1875] | head 185, worker script 372, wasm 942, Go main 1114, first.bin 1169 (+55), decoded 1355, built 1519, sampled 1693 |

Tried and dropped, no gain beyond the spread: the worker's wasm compiled on the page's main
thread (` + "`WebAssembly.compileStreaming`" + ` in the head, the module posted to the worker while it
starts): 1827 [1792 1828 1827 1836 1850]; a worker built without the ONNX backend (19.1 MB, 2.49
MB brotli, against 27.0 and 3.33): 1710 [1561 1574 1710 1803 1829], its wasm stage 43 ms
earlier and its Go start 48 ms shorter (the ONNX protobuf descriptors' init). A throwaway
chromedp page timing fetch, compile and instantiate apart in the same browser (` + "`cache: 'no-store'`" + `):
worker.wasm fetched (3.33 MB brotli → 27.0 MB) in 344–476 ms, compiled in 100–135 ms, instantiated
in ~35 ms; app.wasm (12.9 MB) fetched in 272–319 ms, the raw 19.1 MB worker in 390–456 ms, while
curl gets the same files from build/serve in 6–60 ms: the browser's fetch into an ArrayBuffer
runs at ~60 MB/s of decoded bytes here. In node (v20, the same 2 cores idle) the Go program with
every family linked reaches main 170–185 ms after instantiation against ~50 ms for an empty Go
program: package initialisation, mostly V8 compiling each function as it first runs (a
` + "`--cpu-prof`" + ` profile puts it in runtime.doInit1; gobackend's kernel registration ~40 ms, ONNX
protobuf ~22 ms, crypto/fips140 ~14 ms, encoding/gob ~9 ms). Decoding vae-digits' first.bin
(2.18 MB, float16) takes 45–105 ms there, building the model 60–90 ms, 64 samples 80–170 ms.

So the 1.5 s budget is missed by ~0.25 s, spread over stages of 50–200 ms each with no single
one left to remove: the browser's own ~0.37 s before the worker's script runs, ~0.57 s to fetch
and compile the worker's wasm, ~0.17 s of Go initialisation, and ~0.55 s of decoding, building
and sampling on the Go backend in baseline-compiled wasm. What would still move it: a smaller
Go program for the first picture (fewer packages to fetch, compile and initialise; the ONNX-free
build above shows ~0.1 s), skipping the zeroed groups of first.bin instead of widening their
zeros, and V8's compiled-code cache, which helps only a returning visitor. Not done.

**2026-12-02: the MLP forward on ONNX Runtime Web against tf.js (the ≤ 1.2 budget).** The weights
are not what GoMLX copies per call: compute-onnx builds inference graphs with the variables as
constants (` + "`PreferConstantsForVariables`" + `; the bench's forward session is a 4,268,249-byte model
with one input), and the families rebuild their inference graphs after training. What is left is
ONNX Runtime itself: bench/web/mlp-worker.js now reruns the session GoMLX last ran, from JS on
the same feeds, and reports it as ` + "`mlp_raw.onnx_wasm.ort_run_ms`" + `: 5.7–6.9 ms against tf.js's
4.7–6.4 ms in the same runs (in node 20: 5.3–5.7 against 3.9 ms; a node CPU profile puts ~90% of
ORT's run in one wasm function, its MLAS SIMD sgemm kernel; ORT's graph-optimisation and
memory-arena/pattern options change nothing). GoMLX's own share (forward − ort_run) was 1.3–2.1 ms,
median 1.55, over 8 runs of ` + "`build/bench --skip native,page,grids`" + ` (ratio to tf.js 1.39–1.62,
median 1.50), mostly writing each input into a new JS array (compute-onnx's BufferFromFlatData:
a new 200 KB Uint8Array filled from Go takes 0.5–1.3 ms, the same copy into an existing array
0.002–0.03 ms). Reusing one staged input array per graph and argument cut that share to 0.7–1.2
ms, median 0.9 (12 runs; ratio 1.05–1.60, median 1.30), but was not kept: 135 lines reaching into
compute-onnx's buffers for ~0.65 ms a call that only large inputs see (the page samples from
64×32 latents). Kept: model.Call reads a result straight from its device buffer into one slice
and frees it at once (one 200 KB allocation and copy fewer per 64×784 output). So the budget is
missed by ORT's matmul kernel, not by GoMLX: closing it needs a faster ORT kernel or ORT's
threads (the page is cross-origin isolated: serve.go sends COOP/COEP), or tf.js's. For
compute-onnx upstream: reuse one JS array per executable input on the wasm engine (as its
WebGPU path keeps GPU buffers), and Session.Destroy should call the JS session's release() (today
sessions of discarded graphs stay in ORT's memory; the page rebuilds graphs after training).

**2026-12-02 (later): ONNX Runtime Web's threads (issue 7, item 4).** The bench now runs the MLP a
second time on a cross-origin isolated origin (the headers serve.go sends), with ORT's
` + "`env.wasm.numThreads`" + ` and tf.js's ` + "`setThreadsCount`" + ` at ` + "`-mlp-threads`" + ` (default min(4, CPUs)):
the *_threads rows. Six runs of ` + "`build/bench --skip native,page,grids --mlp-threads 2`" + ` on this
2-core machine, trainings paused, medians [ranges]:

| ONNX Runtime Web | train step ms | forward ms | ORT's own run (ort_run_ms) |
|---|---|---|---|
| 1 thread | 74.3 [71.7–87.3] | 7.2 [7.1–9.0] | 5.65 [5.5–5.8] |
| 2 threads | 94.6 [68.9–126.5] | 5.96 [5.14–6.41] | 3.65 [3.55–3.72] |

tf.js in the same runs, single-threaded: train 140–163 ms, forward 4.6–5.8 ms. Its threaded run
reports 1 thread (` + "`getThreadsCount()`" + `: its threaded build starts inside a Web Worker, but XNNPACK's
pool stays at one), so its *_threads row is a single-threaded one. On the page's main thread it
is the same (2026-12-06, a throwaway cross-origin-isolated page loading tf.min.js and the wasm
backend in the document, this Chromium, 2 cores): ` + "`setThreadsCount`" + ` 1, 2 or 4 all give
` + "`getThreadsCount()`" + ` 1, train 135–193 ms, forward 4.6–6.2 ms; one thread is tf.js's best here. With two threads on two
cores ORT's sampling is faster (ORT's own run 35% shorter; forward 5.1–6.4 ms against
tf.js's 4.6–5.8), its training a quarter slower (presumably the Adam graph's many small ops paying the
pool's hand-offs, with the page's own threads on the same two cores). So web/worker.js gives
ORT threads only to isolated clients with more than 2 cores — cores − 1 of them, at most 4 — and
keeps one on 2 cores, where the page's in-tab training matters more; the gain on 4+ cores is not
measured here (no such machine). e2e TestThreads checks the choice (an emulated 6-core client
gets 4 threads, a 2-core one 1, with the same grid) and that the page trains on 4 threads;
` + "`genlab.status().threads`" + ` and the status line report it.

**2026-12-02: this machine and browser, against the 12-01 run.** This run's machine is an AMD
EPYC with Debian's Chromium 148 (the 12-01 runs: an Intel Xeon, Chromium 156), and the MLP
training budget (≥ 3× tf.js) that was met then (ORT 49.7 ms against tf.js 168) is missed here:
ORT 72–87 ms, tf.js 140–163 (all the runs above). Not a change in genlab: the bench's wasm built
from d9e42c2, the commit of that 3.4× run, measures the same here, alternating with today's
(` + "`build/bench --skip native,page,grids -wasm /tmp/bench-old.wasm`" + `, trainings paused): ORT 77.1 and
73.8 ms, tf.js 148.5 and 150.3, against today's wasm 81.7 / 152.3 and (a slower pass) 104.0 / 194.0.

**2026-12-02 (later): first.bin's zeroed groups not widened.** model.Decode now widens float16
straight into the new tensor (before: into a slice, then copied into the tensor) and leaves an
all-zero variable as the tensor's own zeros (first.bin zeroes what sampling does not read:
vae-digits' encoder, half its values). Decoding vae-digits' first.bin in node 20's wasm, one
process per run, five runs each way alternated (a throwaway program timing ` + "`model.Decode`" + `
twice: cold, then warm code; one core busy with a training): cold 169 ms median [141–221] →
129 [122–161], warm 51 [45–66] → 27 [26–51]. About 40 ms off the first grid's "decoded" stage;
not re-measured in the page (the bench's spread between runs is larger).

**2026-12-02: weights and Adam's state inside ONNX Runtime between training steps (issue 7,
item 4): not possible with ORT Web's CPU engine.** Where the state lives today: GoMLX keeps each
variable as a backend buffer, which for compute-onnx v0.1.13's web engine is a JS ` + "`ort.Tensor`" + `
(internal/engine/web: Execute hands each input's JS tensor to ` + "`session.run`" + ` as a feed and wraps each
output as the next buffer; donated inputs are released), so nothing crosses between Go and JS
per step. What remains is ORT Web's own copy of every feed into its wasm heap and of every
result out of it, each run: its wasm engine takes and returns tensors only at location ` + "`cpu`" + `
(onnxruntime-web 1.30's session handler encodes inputs from ` + "`cpu`" + `, ` + "`gpu-buffer`" + ` and ` + "`ml-tensor`" + `
only, the last two belonging to the WebGPU and WebNN providers; in dist/ort.wasm.js, the build the
page ships, the ` + "`preferredOutputLocation`" + ` and IO-binding code is compiled out as ` + "`if (false)`" + `).
ORT's former training build (onnxruntime-web/training, whose TrainingSession kept parameters and
optimizer state inside) is not in the 1.30 package: no TrainingSession anywhere in its dist.
So the copies stay until ORT Web offers a heap-resident tensor for its CPU provider, or the page
trains on WebGPU (not in headless Chromium without a GPU: not measurable here).

**2026-12-05: the first picture from a small program (wasm/first): first grid 1963 → 1146 ms,
bytes before it 4.37 → 2.08 MB.** The stages above left no single one to remove: the model
worker's 27 MB of wasm (GoMLX, both backends, every family) had to be fetched, compiled and
initialised, then the model built and run on GoMLX's Go backend. Now, for vae-digits (the page
a bare link opens), worker.js first runs a 5.2 MB program (1.04 MB brotli) that draws the grid
from first.bin without GoMLX: core/first decodes the weights file (core/weightfile, the format
now parsed by one package that core/model builds tensors on) and runs the decoder's three dense
layers in plain Go, four rows of the batch at a time (64 samples: 54 ms warm, 110 ms cold in
node 20's wasm, ` + "`GOOS=js GOARCH=wasm go test -bench Dense ./core/first`" + `), with the same seed
stream (core/rng). core/vae's TestFirstDrawsTheSameSamples holds it to the model's own samples
(largest difference 7e-7, no 8-bit pixel differs over seeds and temperatures). The model
worker's wasm is fetched only after main.js says the picture is on screen (or 2 s), and the
model worker adopts the picture for the app's identical request. Same machine, trainings paused,
` + "`build/bench --skip native,mlp,grids --first-grid-runs 5`" + `:

| page | first grid, median [runs] ms | bytes before it | stages (ms after navigation) |
|---|---|---|---|
| before (2026-12-02 runs above) | 1742 [1666 1742 1742 1746 1783] | 4365733 | worker script 372, worker.wasm 942, Go main 1114, decoded 1355, built 1519, sampled 1693 |
| first.wasm, worker.wasm fetched as soon as it ended | 1320 [981 1023 1320 1321 1336] | 5417794 (worker.wasm's 3.34 MB sent while the grid was painted) | worker script 301, first.wasm 773, Go main 847, fetched 917, decoded 989, sampled 1223 |
| and worker.wasm after main.js's word | **1146 [1023 1129 1146 1163 1201]** | **2079298** | worker script 301, first.wasm 684, Go main 751, fetched 796, decoded 855, sampled 1034, painted 1146 |

What is left: first.wasm's fetch and compile (~380 ms; encoding/json alone is ~2.2 MB of its
5.2 MB: an empty Go program is 2.0 MB, 0.44 MB brotli) and the 64 samples in plain Go wasm run by
V8's baseline compiler (~180 ms). Links to other models still wait on the model worker as before.

**2026-12-05 (later): several training steps per ONNX Runtime Web call (issue 7, item 4): the
MLP's step 64 → 32 ms, 4–6× tf.js.** The copies above are per call, not per step: a call that
runs K Adam steps in one graph pays them once. ` + "`model.Stepper.Steps`" + ` builds that graph (the loss
built K times on the variables as the previous update left them: exactly K ` + "`Step`" + ` calls, checked
by TestStepsAreSteps and, for vae and ae, TestTrainStepsAreTrainSteps); models that can
(` + "`model.MultiStepper`" + `) train in the page ` + "`model.StepsPerCallORT`" + ` = 4 steps a call on ORT, and the
bench times the MLP so. The warm-up matters: V8 tiers ORT's 14 MB of wasm up over seconds of
calls. A throwaway bench/wasm timing blocks of 2 s warm-up + 3 s one after another in one worker
(` + "`build/bench --skip native,page,grids --mlp-threads 1`" + `, trainings paused; ms per step, two
runs): K = 4 57.7 / 44.9 in the first block, then 34.5 / 41.3, 30.5 / 34.8 and 30.9 / 34.3;
K = 1 74.5 / 65.5 and 73.8 / 74.8; K = 8 23.8 / 28.6; tf.js in the same runs 151.6 / 142.3.
So bench/wasm and tfjs-worker.js now call each engine for 6 s before timing it. The bench
(same command, this code): onnx_wasm 31.9 ms per step at K = 4 and 64.1 at K = 1 against
tf.js's 193; isolated, 30.1 / 63.0 against 145. An earlier quick run of the same code that
afternoon gave 67–69 ms at K = 4 with the same warm-up; its cause was not found, and it was not
seen again in the runs above. K = 4 keeps one call of the bench MLP near 130 ms, the
page's answer time to Pause; K = 8 would give ~25 ms a step at ~230 ms a call. MADE trains one
step a call (its learning rate and mask are set from Go between steps).

With 4 steps a call, ORT's 2 threads no longer slow training on this 2-core machine (they did at
one step a call, the 2026-12-02 note above), and they still speed sampling. Five runs of this
code, trainings paused (two ` + "`make bench`" + `, three ` + "`build/bench --skip native,page,grids`" + `), ms:

| run | ORT 1 thread: train / forward | ORT 2 threads: train / forward | tf.js 1 thread / its threaded run: train; forward |
|---|---|---|---|
| make bench 22:40 | 28.1 / 5.8 | 24.9 / 5.1 | 136 / 145; 5.6 / 4.5 |
| quick 1 | 34.8 / 6.9 | 35.3 / 4.6 | 150 / 152; 5.9 / 4.4 |
| quick 2 | 36.6 / 6.8 | 31.9 / 4.9 | 145 / 144; 4.7 / 4.7 |
| quick 3 | 34.2 / 6.4 | 32.5 / 5.5 | 176 / 198; 4.7 / 5.9 |
| make bench 22:56 | 30.2 / 6.3 | 31.4 / 4.6 | 150 / 171; 4.9 / 5.3 |

So web/worker.js now gives ORT both cores of a 2-core client (cross-origin isolated; one core is
still left to the page from 3 cores up, 4 threads at most), and the issue-7 budgets read the
page's configuration: ORT isolated on the page's thread count (` + "`-mlp-threads`" + ` now defaults to it)
against tf.js's faster run. Training 4.2–5.5× tf.js; forward 0.94–1.17× tf.js's time. On one
thread, what a client without cross-origin isolation gets, forward stays 1.04–1.45× (ORT's MLAS
kernel against tf.js's XNNPACK, the 2026-12-02 note) and training 4.0–5.1×. The page's frames
while it trains on 2 threads: p95 16.7 ms (the 22:56 run's page row; 28.6 steps/s).
`
