package protocol

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// The 2-D lab: a small flow, GAN or diffusion model trained live on a toy density, drawn every
// few steps (core/lab computes the pictures in the worker). It is asked for with OpTrain and a
// LabRequest, so that Pause, Resume, Stop, Cancel and the training reports are the ones of any
// training run; its pictures come as KindLab responses.

// KindLab carries a LabFrame of the lab in training.
const KindLab = "lab"

// Lab families, densities and flow architectures as the URL names them (core/lab's names).
var (
	LabFamilies  = []string{"flow", "gan", "diffusion"}
	LabDensities = []string{"moons", "circles", "8gaussians", "checkerboard", "spirals"}
	LabArchs     = []string{"glow", "realnvp"}
)

const LabMaxK = 10 // the GAN's discriminator steps per generator step, 1..LabMaxK

// LabRequest picks the lab of an OpTrain request.
type LabRequest struct {
	Family  string `json:"family"`
	Density string `json:"density"`
	Arch    string `json:"arch,omitempty"`
	K       int    `json:"k,omitempty"`
}

// LabFrame is what the page draws of the lab's model at step Step. Points are x0,y0,x1,y1,…
// on [-Lim, Lim]², y up.
type LabFrame struct {
	Step    int       `json:"step"`
	Lim     float32   `json:"lim"`
	Real    []float32 `json:"real"`
	Samples []float32 `json:"samples"`
	// Heat is HeatSide² values in [0, 1], row 0 at the top: the flow's density (its maximum
	// is 1) or the GAN discriminator's D(x) (HeatKind "density" or "discriminator").
	Heat     []float32 `json:"heat,omitempty"`
	HeatSide int       `json:"heatSide,omitempty"`
	HeatKind string    `json:"heatKind,omitempty"`
	// Lines: the flow's base-space grid lines (half horizontal, half vertical) mapped to x.
	Lines [][]float32 `json:"lines,omitempty"`
	// Trail: diffusion's x_t along the reverse process, from x_T (noise) to x_0, at TrailT.
	Trail  [][]float32 `json:"trail,omitempty"`
	TrailT []int       `json:"trailT,omitempty"`
	// SW is the sliced Wasserstein distance between samples and real points: it falls as the
	// samples move toward the data.
	SW float64 `json:"sw"`
}

// LabState is the lab's part of the URL: lab=flow|gan|diffusion ("" is the model page),
// density=…, arch=glow|realnvp (flows), k=1..LabMaxK (GANs).
type LabState struct {
	Family  string
	Density string
	Arch    string
	K       int
}

// DefaultLabState is the lab a bare "lab=flow" opens.
func DefaultLabState() LabState { return LabState{Density: "moons", Arch: "glow", K: 1} }

// On says whether the page shows the lab.
func (l LabState) On() bool { return l.Family != "" }

// Request is the lab's OpTrain payload.
func (l LabState) Request() *LabRequest {
	return &LabRequest{Family: l.Family, Density: l.Density, Arch: l.Arch, K: l.K}
}

// ParseLabState reads the lab's keys of a URL query; bad values fall back to defaults and are
// described in problems, one sentence each.
func ParseLabState(rawQuery string) (l LabState, problems []string) {
	l = DefaultLabState()
	q, _ := url.ParseQuery(strings.TrimPrefix(rawQuery, "?")) // ParseState reports malformed queries
	pick := func(key, what string, valid []string, dst *string) {
		v, ok := last(q, key)
		if !ok || v == "" {
			return
		}
		if slices.Contains(valid, v) {
			*dst = v
			return
		}
		problems = append(problems, fmt.Sprintf("%s %s is unknown (%s); using %s.", what, quote(v), strings.Join(valid, ", "), orNone(*dst)))
	}
	pick("lab", "Lab", LabFamilies, &l.Family)
	pick("density", "Density", LabDensities, &l.Density)
	pick("arch", "Flow architecture", LabArchs, &l.Arch)
	if v, ok := last(q, "k"); ok {
		var p string
		l.K, p = clampInt("k", v, 1, LabMaxK, 1)
		if p != "" {
			problems = append(problems, p)
		}
	}
	return l, problems
}

func orNone(s string) string {
	if s == "" {
		return "none (the model page)"
	}
	return s
}

// Query writes the lab's keys ("" when the lab is off), to append to State.Query's; arch and k
// only for the families that use them.
func (l LabState) Query() string {
	if !l.On() {
		return ""
	}
	q := "&lab=" + url.QueryEscape(l.Family) + "&density=" + url.QueryEscape(l.Density)
	switch l.Family {
	case "flow":
		q += "&arch=" + url.QueryEscape(l.Arch)
	case "gan":
		q += fmt.Sprintf("&k=%d", l.K)
	}
	return q
}
