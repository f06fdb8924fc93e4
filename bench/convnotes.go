package main

// convHistory is the record of the convolution work behind core/nn (issue 7, item 2). Unlike
// the tables above it is not re-measured by each run: the figures are from the runs named.
const convHistory = `
## Convolution on the Go backend: what was tried

The case: two 3×3 convolutions 32→32 channels, batch 16 of 32×32, forward and backward
(` + "`go test -bench . ./core/nn`" + `, GOEXPERIMENT=simd; GFLOP/s of useful arithmetic, 3× the forward).
Measured 2026-11-22 between 09:00 and 09:55 UTC with the test binaries of each version run one
after the other, three rounds, 10 iterations each, on the 2 shared cores at load average 6–16
(other helpers' trainings): single figures move by 2× from round to round, so compare within a
round. ms per iteration, [min–max over the rounds]:

| version | conv fwd+bwd ms | GFLOP/s | matmul GFLOP/s, same rounds |
|---|---|---|---|
| GoMLX's own Convolution (graph.Convolve) | 5200–8200 | 0.22–0.35 | 21–80 |
| im2col as before (Slice views, Concatenate, Dot; GoMLX autodiff) | 313–1170 | 1.5–5.8 | |
| + weight gradient as (vᵀ·patches)ᵀ instead of patchesᵀ·v (one round) | 318 vs 893 | 5.7 vs 2.0 | |
| + views as negative Pads with Pad gradients, centre view = x (v1) | 169–391 | 4.6–10.7 | |
| + input gradient as a convolution of dy with the flipped kernel (v2, now) | 105–210 | 8.6–17.3 | 21–81 |

What the profiles showed (` + "`-cpuprofile`" + `, pprof -top):

1. Before: 43% of the CPU in one transpose. The weight gradient patchesᵀ·v contracts the pixel
   axis, which the Go backend's matmul wants last on the left operand: it transposed the patches
   [B·H·W, 9·C]. Computing (vᵀ·patches)ᵀ transposes v [B·H·W, C] instead, 9× smaller.
2. Then 38% in Slice: the Go backend's Slice copies element by element (compute v0.1.14,
   ops/slice.go), and GoMLX's gradient of Pad is a Slice, and of Concatenate nine Slices. Pad with
   negative padding crops, with block copies of whole rows. GoMLX v0.28 exposes custom
   gradients only for identity nodes, but graph.VJPRegistration is documented as changeable:
   core/nn/vjp.go wraps it so that nodes registered by nn have their own gradient (a crop's is a
   pad and vice versa, a concatenation's is crops), every other node keeps GoMLX's. A crop's Pad
   fills its (empty) border with 1, not 0: the backend zero-fills element by element but fills
   other values with block copies.
3. Then the input gradient: nine zero-padded copies of the patch gradients plus eight sums.
   At stride 1 it is itself a "same" convolution of dy with the kernel flipped in space and
   transposed in channels, i.e. one more im2col + matmul; the matmul hands dy to the
   concatenation's gradient, which sends the whole input gradient through the centre view.
   Strided convolutions keep the scatter (crops → pads → sum).
4. Now (v2): matmul 41% of the CPU (19% of it packing the patches), Concatenate 35% (it copies
   one 128-byte block per pixel and view), Pad 12%, transposes 9%. Next candidates: a patch
   layout with larger blocks (two-level concatenation: 3 column shifts, then 3 row shifts of
   384-byte blocks), or batched per-tap matmuls on [9, N, C] stacks (9 large copies instead of
   9·N small ones, at the price of a [9, N, Cout] sum).
5. v3 (2026-12-01, now): at stride 1, nine matmuls view × W[dy, dx] (K = Cin) summed, with no
   concatenation at all (nn.convTaps). The views are crops of the padded input (block copies of
   whole rows); the input gradient is still the flipped-kernel convolution through the centre
   view (the other eight views get no gradient); the nine weight gradients share one transpose
   of dy. Measured with the trainings paused (SIGSTOP), one thread, test binaries of both
   versions alternated, two rounds: conv fwd+bwd 33.8 / 30.6 GFLOP/s against v2's 28.4 / 26.8
   (matmul 119 / 90 and 100 / 94 in the same rounds); a ddpm-digits train step 469 / 557 ms CPU
   against 501 / 640 (` + "`DIFFUSION_BENCH=digits DIFFUSION_BENCH_N=5 go test -run TestStepTime -v ./core/diffusion`" + `).
   In the same change GroupNorm became x·a + b with a, b per example and channel (two
   broadcasting operations instead of a subtract, a divide and a scale). What is left of a ddpm
   step besides matmuls (27%) and copies (12%): ~20% in the backend's general broadcasting (an
   index iterator, element by element: per-example shifts and scales over middle axes, which an
   explicit BroadcastToDims does not avoid — measured, no change) and ~10% in reductions over
   middle axes (their gradients).

On ONNX Runtime (natively and in the page) GoMLX's own convolution is used at stride 1: ORT's
kernels are fast. Strided convolutions take the im2col path there too, because GoMLX's ONNX
backend has no gradient for them ("input dilations > 1 not supported by ONNX Conv": before this,
every model with a stride-2 convolution failed its first train step on ONNX Runtime).

Every change is checked by TestIm2colMatchesConvolve (output and both gradients equal GoMLX's
own convolution, strides 1 and 2, kernels 1, 3, 5), TestIm2colGradientFiniteDifferences, and
TestStridedConv2DGradientOnONNX (ONNX Runtime's gradients equal the Go backend's).
`
