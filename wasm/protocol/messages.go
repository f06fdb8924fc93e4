// Package protocol is what the page's two Go programs say to each other: the app (main thread,
// ebiten, DOM) posts Requests to the worker (GoMLX models) and gets Responses back. Messages
// travel as JSON strings in postMessage, with grid pixels beside them in a transferred
// ArrayBuffer. The package is plain Go, so it builds and is tested natively, and it imports
// neither ebiten nor GoMLX, so that each program links only what it needs.
package protocol

// Operations the app asks of the worker.
const (
	OpLoad   = "load"   // Load Model's pretrained weights on Backend (trying it with N samples).
	OpSample = "sample" // Draw N samples with Seed and Temp from the loaded model.
	OpView   = "view"   // Run the loaded model's view View with Seed and N.
	OpTrain  = "train"  // Train a fresh small model for Steps steps (0: until stopped).
	OpPause  = "pause"  // Pause training.
	OpResume = "resume" // Resume training.
	OpStop   = "stop"   // Stop training (keeps the trained model's last samples on screen).
	OpCancel = "cancel" // Cancel whatever long operation runs: a load or a training run.
	OpScore  = "score"  // Score Pixels (one binary image) under the loaded model: its NLL and percentile.
)

// Kinds of responses.
const (
	KindHello    = "hello"    // The worker is up: Models lists what it can load.
	KindLoaded   = "loaded"   // Model is loaded on Backend; Views lists its views.
	KindGrid     = "grid"     // Grid describes the pixels sent beside the message.
	KindScore    = "score"    // Score answers a score request.
	KindProgress = "progress" // A long operation's Stage, Done of Total.
	KindTrain    = "train"    // Training progress: Step, new Losses, StepsPerSec, Training.
	KindDone     = "done"     // The request ID finished; Cancelled says how.
	KindError    = "error"    // The request ID failed with Error.
	// KindCrashed comes from the worker's script, not its Go program: that program stopped (a
	// panic) or never started (Error says why). The app replaces the worker.
	KindCrashed = "crashed"
	// KindBackend: the loaded Model now runs on Backend (it moved from Go to ONNX Runtime Web
	// after the first picture), or stays on Go because of Fallback.
	KindBackend = "backend"
)

// Backends as the worker reports them.
const (
	BackendONNX = "onnx-wasm" // GoMLX graphs run by ONNX Runtime Web (CPU, WebAssembly).
	BackendGo   = "go"        // GoMLX's pure-Go backend, compiled to WebAssembly.
)

// Training states.
const (
	TrainRunning = "running"
	TrainPaused  = "paused"
	TrainStopped = "stopped" // by the user, or cancelled
	TrainDone    = "done"    // reached its step count
)

// FirstID is the request id of the page's first picture, which the worker draws unasked, before
// the app is up, when its script was started with the page's link (worker.js?first=QUERY): the
// grid, or an error, or Done when the link's first picture is not one it draws (main.js). The
// app's own identical request later gets the same grid.
const FirstID = -1

// Grid targets: which picture on the canvas a grid replaces.
const (
	TargetMain  = "main"  // samples or a view of the loaded model
	TargetTrain = "train" // samples of the model being trained
)

// Request is one message from the app to the worker.
type Request struct {
	ID      int     `json:"id"`
	Op      string  `json:"op"`
	Model   string  `json:"model,omitempty"`
	Backend string  `json:"backend,omitempty"` // "" (ONNX, falling back to Go) or "go"
	Seed    uint64  `json:"seed,omitempty"`
	N       int     `json:"n,omitempty"`
	Temp    float64 `json:"temp,omitempty"`
	View    string  `json:"view,omitempty"`
	Steps   int     `json:"steps,omitempty"`
	// Mask and Ens pick the mask sets of an autoregressive model (MADE): Ens consecutive sets
	// from Mask, ensembled. Models without mask sets ignore them.
	Mask int `json:"mask,omitempty"`
	Ens  int `json:"ens,omitempty"`
	// Pixels is the image to score (OpScore): one '0' or '1' per pixel, row by row.
	Pixels string `json:"pixels,omitempty"`
	// Lab, with OpTrain, trains the 2-D lab it names instead of a small version of Model (lab.go).
	Lab *LabRequest `json:"lab,omitempty"`
	// DDPM asks a diffusion model for DDPM ancestral sampling (all T steps) instead of DDIM with
	// Steps steps (0: the model's default) when sampling (OpSample, the compare view).
	DDPM bool `json:"ddpm,omitempty"`
	// Class is the label a conditional model samples (nil: the labels in turn).
	Class *int `json:"class,omitempty"`
	// Order, with OpTrain of a MADE, is the pixel ordering of the fresh model ("" raster).
	Order string `json:"order,omitempty"`
}

// ModelInfo describes a model the worker can load.
type ModelInfo struct {
	Name   string `json:"name"`
	Family string `json:"family"`
	About  string `json:"about"`
}

// ViewInfo describes one view of the loaded model.
type ViewInfo struct {
	Name  string `json:"name"`
	Title string `json:"title"`
}

// GridInfo describes grid pixels: W×H RGBA bytes, N images in Cols columns.
type GridInfo struct {
	Target string `json:"target"`
	Title  string `json:"title"`
	W      int    `json:"w"`
	H      int    `json:"h"`
	N      int    `json:"n"`
	Cols   int    `json:"cols"`
	// Step of Steps: a grid streamed while it is being drawn (MADE samples pixel by pixel) has
	// Step < Steps, the finished one Step == Steps; grids that are not streamed have both 0.
	Step  int `json:"step,omitempty"`
	Steps int `json:"steps,omitempty"`
	// Unit names what Step counts ("pixel" when empty; "step" for denoising, "frame" for walks).
	Unit string `json:"unit,omitempty"`
}

// Partial says whether the grid is an intermediate frame of a streamed one.
func (g GridInfo) Partial() bool { return g.Step < g.Steps }

// ScoreInfo is how likely the model finds an image, next to the page's test digits.
type ScoreInfo struct {
	NLL        float64 `json:"nll"`        // −log p(x) in nats
	Percentile float64 `json:"percentile"` // % of the test digits with a lower NLL (0..100)
	Of         int     `json:"of"`         // how many test digits
	Median     float64 `json:"median"`     // their median NLL, for scale
	Masks      []int   `json:"masks"`      // the mask sets it was computed with
}

// Response is one message from the worker to the app. ID is the request it answers (0: none).
type Response struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`

	Models   []ModelInfo `json:"models,omitempty"`
	Model    string      `json:"model,omitempty"`
	Backend  string      `json:"backend,omitempty"`
	Fallback string      `json:"fallback,omitempty"` // why the worker is not on ONNX Runtime Web
	Threads  int         `json:"threads,omitempty"`  // ONNX Runtime Web's threads (web/worker.js); 0 on Go
	Views    []ViewInfo  `json:"views,omitempty"`
	Family   string      `json:"family,omitempty"`
	// Masks is the loaded model's number of mask sets (MADE); 0 for models without.
	Masks int `json:"masks,omitempty"`
	// Classes is the loaded conditional model's number of labels, 0 for others.
	Classes int `json:"classes,omitempty"`
	// SampleSteps and MaxSteps are a diffusion model's default DDIM steps (0: DDPM) and its T.
	SampleSteps int `json:"sampleSteps,omitempty"`
	MaxSteps    int `json:"maxSteps,omitempty"`
	// TrainAbout says what the Train button trains for this model ("" when it can't).
	TrainAbout string     `json:"trainAbout,omitempty"`
	Score      *ScoreInfo `json:"score,omitempty"`
	Grid       *GridInfo  `json:"grid,omitempty"`
	// Fetched lists what the worker has fetched so far ("URL HTTP-status"), from its resource
	// timing: the page's own network log does not show a worker's requests.
	Fetched []string `json:"fetched,omitempty"`
	// Marks are the first picture's stages in the worker (wall-clock ms since the epoch: the
	// worker's and the page's performance clocks have different origins), for the bench.
	Marks map[string]float64 `json:"marks,omitempty"`

	Stage string `json:"stage,omitempty"`
	Done  int    `json:"done,omitempty"`
	Total int    `json:"total,omitempty"`

	Step        int       `json:"step,omitempty"`
	Losses      []float64 `json:"losses,omitempty"`
	StepsPerSec float64   `json:"stepsPerSec,omitempty"`
	Training    string    `json:"training,omitempty"`
	// GLosses are a GAN's generator losses since the last report (Losses are its discriminator's).
	GLosses []float64 `json:"gLosses,omitempty"`
	// Lab is a frame of the 2-D lab in training (KindLab).
	Lab *LabFrame `json:"lab,omitempty"`

	Ms        float64 `json:"ms,omitempty"` // compute time of the request, in the worker
	Cancelled bool    `json:"cancelled,omitempty"`
	Error     string  `json:"error,omitempty"`
}
