# genlab: `make build` builds the CLI and the web page (web/), `make run` serves it,
# `make test` runs the unit tests (native and wasm) and the end-to-end test in headless Chromium,
# `make dist` writes a static copy of the page to dist/. Needs Go (any; it fetches the toolchain
# below), node/npm, and for the e2e test Debian's chromium; brotli is used when present.

export GOTOOLCHAIN := go1.27.4
GO      ?= go
GOROOT  := $(shell GOTOOLCHAIN=$(GOTOOLCHAIN) $(GO) env GOROOT)
NATIVE  := GOEXPERIMENT=simd
WASM    := GOOS=js GOARCH=wasm
WASMFLAGS := -trimpath -ldflags="-s -w"

# Training data: ./data when it exists (make data), else the shared copy beside the clone.
DATA ?= $(if $(wildcard data/mnist),data,$(if $(wildcard ../shared/datasets/mnist),../shared/datasets,data))

# Precompressed siblings the server prefers: brotli when installed, gzip otherwise.
ZEXT := $(if $(shell command -v brotli 2>/dev/null),br,gz)

# Go sources by what links them (make can't see imports; over-approximating is cheap).
PROTOCOL_SRC := $(wildcard wasm/protocol/*.go)
CORE_SRC     := $(shell find core -name '*.go' -not -name '*_test.go')
APP_SRC      := $(wildcard wasm/app/*.go) $(PROTOCOL_SRC) go.mod go.sum
WORKER_SRC   := $(wildcard wasm/worker/*.go wasm/jsio/*.go) $(PROTOCOL_SRC) $(CORE_SRC) go.mod go.sum
FIRST_SRC    := $(wildcard wasm/first/*.go wasm/jsio/*.go) $(PROTOCOL_SRC) $(CORE_SRC) go.mod go.sum
CLI_SRC      := $(shell find cmd -name '*.go' -not -name '*_test.go') $(CORE_SRC) go.mod go.sum

# What the page loads from ONNX Runtime Web: the CPU-only loader, which imports the .mjs, which
# fetches the .wasm (checked in the e2e test's network log).
ORT_FILES := ort.wasm.min.js ort-wasm-simd-threaded.mjs ort-wasm-simd-threaded.wasm
ORT   := $(addprefix web/ort/,$(ORT_FILES))
WASMS := web/wasm/app.wasm web/wasm/worker.wasm web/wasm/first.wasm
WEBDATA := $(foreach s,train test,web/data/mnist-$(s)-images-idx3-ubyte.gz web/data/mnist-$(s)-labels-idx1-ubyte.gz) \
           web/data/shapes-test-images-idx3-ubyte.gz web/data/faces-test-u8.bin.gz
COMPRESSED := $(addsuffix .$(ZEXT),$(WASMS) $(ORT) web/wasm_exec.js)
# The page fetches pretrained/<model>/page.bin, a float16 copy of weights.bin (genlab webweights):
# the first model's weights are the largest download before its first picture (issue 7's budget);
# float16 halves them (vae-digits: 4.07 → 1.94 MB brotli; test NLL 89.2940 → 89.2944 nats).
PAGE_WEIGHTS := $(patsubst %/weights.bin,%/page.bin,$(wildcard pretrained/*/weights.bin))
WEIGHTS_Z := $(addsuffix .$(ZEXT),$(PAGE_WEIGHTS))
NPM_STAMP := node_modules/.package-lock.json

.PHONY: all build web run data test test-native test-wasm test-e2e dist clean ort-native fuzz crashtest loadtest
.DELETE_ON_ERROR:

all: build

build: build/genlab web

web: $(WASMS) $(ORT) web/wasm_exec.js $(WEBDATA) $(COMPRESSED) $(PAGE_WEIGHTS) $(WEIGHTS_Z)

build/genlab: $(CLI_SRC)
	$(NATIVE) $(GO) build -o $@ ./cmd/genlab

build/serve: serve.go go.mod
	$(GO) build -o $@ ./serve.go

web/wasm/app.wasm: $(APP_SRC)
	@mkdir -p $(@D)
	$(WASM) $(GO) build $(WASMFLAGS) -o $@.$$$$.tmp ./wasm/app && mv $@.$$$$.tmp $@

web/wasm/worker.wasm: $(WORKER_SRC)
	@mkdir -p $(@D)
	$(WASM) $(GO) build $(WASMFLAGS) -o $@.$$$$.tmp ./wasm/worker && mv $@.$$$$.tmp $@

# The first-picture program (wasm/first): the landing page's first grid without GoMLX.
web/wasm/first.wasm: $(FIRST_SRC)
	@mkdir -p $(@D)
	$(WASM) $(GO) build $(WASMFLAGS) -o $@.$$$$.tmp ./wasm/first && mv $@.$$$$.tmp $@

web/wasm_exec.js: $(GOROOT)/lib/wasm/wasm_exec.js
	cp $< $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

$(ORT): web/ort/%: $(NPM_STAMP)
	@mkdir -p $(@D)
	cp node_modules/onnxruntime-web/dist/$* $@

# The page's data: 5000 training and 1000 test digits, 1000 test shapes, 200 test faces.
$(WEBDATA) &: build/genlab | $(DATA)/mnist
	build/genlab webdata --data $(DATA) --out web/data

data/mnist:
	scripts/make-data.sh data

data:
	scripts/make-data.sh data

# brotli copies the source's mtime (to the second) onto its output: touch, or make would redo it.
# Written aside (one name per shell: two makes may run at once) and renamed: serve.go serves a
# sibling newer than its source, so a half-written one (a rebuild while the page is open, or
# tests running) would break the page.
%.br: %
	brotli -q 11 -f -o $@.$$$$.tmp $< && touch $@.$$$$.tmp && mv $@.$$$$.tmp $@

%.gz: %
	gzip -9 -n -c $< > $@.$$$$.tmp && mv $@.$$$$.tmp $@

pretrained/%/page.bin: pretrained/%/weights.bin | build/genlab
	build/genlab webweights $<

# Weights at -q 9: within 1% of -q 11 on them (vae-digits: 4.066 vs 4.031 MB), ~70× faster.
# first.bin (written with page.bin where sampling skips some variables) is compressed with it.
pretrained/%/page.bin.br: pretrained/%/page.bin
	brotli -q 9 -f -o $@.$$$$.tmp $< && touch $@.$$$$.tmp && mv $@.$$$$.tmp $@
	f=$(@D)/first.bin; if [ -f $$f ]; then brotli -q 9 -f -o $$f.br.$$$$.tmp $$f && touch $$f.br.$$$$.tmp && mv $$f.br.$$$$.tmp $$f.br; else rm -f $$f.br; fi

pretrained/%/page.bin.gz: pretrained/%/page.bin
	gzip -9 -n -c $< > $@.$$$$.tmp && mv $@.$$$$.tmp $@
	f=$(@D)/first.bin; if [ -f $$f ]; then gzip -9 -n -c $$f > $$f.gz.$$$$.tmp && mv $$f.gz.$$$$.tmp $$f.gz; else rm -f $$f.gz; fi

# Native ONNX Runtime for `genlab --backend onnx` (from npm onnxruntime-node).
ort-native:
	scripts/ort-native.sh

run: build
	$(GO) run serve.go -addr 127.0.0.1:8080 -root web -pretrained pretrained

test: test-native test-wasm test-e2e

test-native:
	$(NATIVE) $(GO) test $$($(GO) list ./... | grep -v '^genlab/e2e$$')

# The packages the page links, under wasm in node (the slow model tests skip themselves with -short).
test-wasm:
	PATH="$$PATH:$(GOROOT)/lib/wasm" $(WASM) $(GO) test -short ./core/data ./core/model ./core/plot ./core/first ./core/rng ./core/weightfile ./wasm/protocol

# The page in headless Chromium, served by serve.go; GENLAB_E2E_REQUIRE turns a missing browser
# or missing build into a failure instead of a skip.
test-e2e: web build/serve dist
	GENLAB_E2E_REQUIRE=1 GENLAB_SERVE=$(CURDIR)/build/serve $(GO) test -count=1 -v -timeout 15m ./e2e

# A static copy of the page that any file server can host (without COOP/COEP, ONNX Runtime
# simply runs single-threaded, which is what the page asks for anyway).
# The precompressed siblings are left out: plain hosts would serve them as downloads.
dist: web
	@ls pretrained/*/weights.bin >/dev/null 2>&1 || { echo "dist: no pretrained/*/weights.bin" >&2; exit 1; }
	rm -rf dist
	cp -r web dist
	find dist -name '*.br' -delete
	find dist -name '*.gz' ! -path 'dist/data/*' -delete
	for w in pretrained/*/weights.bin pretrained/*/page.bin $$(ls pretrained/*/first.bin 2>/dev/null) pretrained/*/*/*.bin; do mkdir -p dist/$$(dirname $$w) && cp $$w dist/$$w; done
	@echo "dist/ ready: e.g. (cd dist && python3 -m http.server 8000)"

clean:
	rm -rf build/genlab build/serve web/wasm web/ort web/data web/wasm_exec.js dist
	rm -f pretrained/*/weights.bin.br pretrained/*/weights.bin.gz pretrained/*/page.bin* pretrained/*/first.bin*

# Reliability checks (not part of `make test`; figures in docs/reliability.md).
fuzz:
	FUZZTIME=$${FUZZTIME:-2m} scripts/fuzz.sh

crashtest:
	GENLAB_CRASHTEST=1 $(NATIVE) $(GO) test -count=1 -v -run TestCrashSafety ./cmd/genlab

loadtest: web
	scripts/loadtest.sh

# Performance, natively and in headless Chromium side by side with TensorFlow.js, in one run:
# writes docs/performance.md and prints one JSON object as its last line (bench/main.go).
# It fetches the native ONNX Runtime first (ort-native) for the onnx rows; without it (no npm)
# those rows say absent.
.PHONY: bench
BENCH_SRC := $(shell find bench -name '*.go') $(CORE_SRC) go.mod go.sum

bench: web build/serve build/bench build/bench-native-simd build/bench-native build/bench.wasm
	-scripts/ort-native.sh
	build/bench --data $(DATA)

build/bench: $(BENCH_SRC)
	$(GO) build -o $@ ./bench

build/bench-native-simd: $(BENCH_SRC)
	$(NATIVE) $(GO) build -o $@ ./bench/native

build/bench-native: $(BENCH_SRC)
	GOEXPERIMENT= $(GO) build -o $@ ./bench/native

build/bench.wasm: $(BENCH_SRC)
	$(WASM) $(GO) build $(WASMFLAGS) -o $@ ./bench/wasm
