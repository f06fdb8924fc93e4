package main

import "runtime"

// heapHeadroom maps address space for the Go heap ahead of its use, working around a crash.
//
// Go 1.27.4's simd/archsimd LoadFloat32x16Part, which the Go backend's SIMD kernels use on rows
// shorter than a vector (3 or 12 image channels, say), loads a whole vector past the end of the
// slice and masks it afterwards. Go maps its heap in steps and keeps the address space beyond
// reserved without access, so a buffer that ends exactly where the mapped heap ends (image
// batches are whole pages: a 32x32x3 float32 image is 3 pages) makes that load fault: a
// SIGSEGV that killed RealNVP runs every few minutes. One large allocation at start grows the
// mapped heap far beyond what a run uses; freed heap pages stay mapped (Go only advises the
// kernel it may drop them, and they read as zeros), and later buffers are placed low in the
// heap, so no buffer ends at the edge while the heap stays under the headroom. The allocation
// is never written, so it costs address space, not memory.
func heapHeadroom() {
	ballast = make([]byte, headroomBytes)
	ballast = nil
	runtime.GC()
}

const headroomBytes = 6 << 30

var ballast []byte
