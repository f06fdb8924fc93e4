#!/usr/bin/env bash
# Extracts the native ONNX Runtime CPU library that npm's onnxruntime-node@1.30.0 bundles into
# build/ort/, where `genlab --backend onnx` looks for it. (The package's postinstall downloads
# things; npm pack + tar skips it.)
set -euo pipefail
cd "$(dirname "$0")/.."
lib=build/ort/libonnxruntime.so.1
[ -f "$lib" ] && exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent onnxruntime-node@1.30.0 >/dev/null)
mkdir -p build/ort
tar -xzf "$tmp"/onnxruntime-node-1.30.0.tgz -C "$tmp" package/bin/napi-v6/linux/x64/libonnxruntime.so.1
mv "$tmp"/package/bin/napi-v6/linux/x64/libonnxruntime.so.1 "$lib"
echo "ort-native: $lib"
