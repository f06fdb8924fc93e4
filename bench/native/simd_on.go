//go:build goexperiment.simd

package main

// simdBuild: built with GOEXPERIMENT=simd, which the Go backend's fast kernels need.
const simdBuild = true
