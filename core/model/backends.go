package model

import (
	_ "github.com/gomlx/compute-onnx"      // "onnx": ONNX Runtime, native or ONNX Runtime Web.
	_ "github.com/gomlx/compute/gobackend" // "go": pure Go, everywhere.
)
