package protocol

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// The page's state lives in its URL query, so that a copied link shows the same pictures: the
// seed alone determines the samples. Anything a user can type there is parsed defensively: bad
// values are replaced or clamped and reported, never fatal.

const (
	DefaultModel = "vae-digits"
	DefaultSeed  = 1
	DefaultN     = 64
	MaxN         = 256
	DefaultTemp  = 1.0
	MinTemp      = 0.05
	MaxTemp      = 3.0
	ViewSamples  = "" // the main grid shows samples, not a view
	MaxMasks     = 64 // mask sets a link may name (the worker clamps to the model's own K)
)

// State is what the URL query holds.
type State struct {
	Model   string  // model name; checked against the worker's list once it is known
	Seed    uint64  // seed of the samples and views
	N       int     // number of samples, 1..MaxN
	Temp    float64 // sampling temperature, MinTemp..MaxTemp
	View    string  // ViewSamples or the name of a view of the model
	Backend string  // "" (ONNX Runtime Web, falling back to Go) or "go"
	Mask    int     // first mask set of an autoregressive model, 0..MaxMasks-1
	Ens     int     // how many mask sets to ensemble, 1..MaxMasks
	Steps   int     // diffusion: DDIM steps, MinSteps..MaxSteps, 0 for the model's default
	DDPM    bool    // diffusion: DDPM ancestral sampling instead of DDIM
	// Class is what a conditional model draws: 0 all labels in turn, L+1 label L (URL label=L).
	// Zero is the default, so that a State literal means "no label" unless it says otherwise.
	Class int
	// Order is the pixel ordering of the MADE that Train trains in the page ("" raster, "column"
	// or "random"): the pretrained MADE's mask sets all use the raster order.
	Order string
}

// DefaultState is the page's state for an empty query.
func DefaultState() State {
	return State{Model: DefaultModel, Seed: DefaultSeed, N: DefaultN, Temp: DefaultTemp, Ens: 1}
}

// SampleRequest is the request for the state's samples (the app adds what its model's family
// needs: familyRequest), also what the worker draws as the first picture.
func (s State) SampleRequest() Request {
	return Request{Op: OpSample, Seed: s.Seed, N: s.N, Temp: s.Temp, Mask: s.Mask, Ens: s.Ens}
}

// ParseState reads a URL query ("model=vae-digits&seed=1&n=64", with or without "?"). Each
// value that cannot be used is replaced by its default or clamped into range, and described in
// problems, one sentence each, for the page to show.
func ParseState(rawQuery string) (s State, problems []string) {
	s = DefaultState()
	q, err := url.ParseQuery(strings.TrimPrefix(rawQuery, "?"))
	if err != nil {
		problems = append(problems, "The link's query is malformed; parts of it were ignored.")
	}
	if v, ok := last(q, "model"); ok {
		if ValidName(v) {
			s.Model = v
		} else {
			problems = append(problems, fmt.Sprintf("Model %s is not a model name; showing %s.", quote(v), DefaultModel))
		}
	}
	if v, ok := last(q, "seed"); ok {
		seed, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("Seed %s is not a whole number from 0 to %d; using seed %d.", quote(v), uint64(math.MaxUint64), DefaultSeed))
		} else {
			s.Seed = seed
		}
	}
	if v, ok := last(q, "n"); ok {
		var p string
		s.N, p = ClampN(v)
		if p != "" {
			problems = append(problems, p)
		}
	}
	if v, ok := last(q, "t"); ok {
		t, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case err != nil || math.IsNaN(t):
			problems = append(problems, fmt.Sprintf("Temperature %s is not a number; using %g.", quote(v), DefaultTemp))
		case t < MinTemp || t > MaxTemp:
			s.Temp = ClampTemp(t)
			problems = append(problems, fmt.Sprintf("Temperature %s is outside %g..%g; using %g.", quote(v), MinTemp, MaxTemp, s.Temp))
		default:
			s.Temp = t
		}
	}
	if v, ok := last(q, "view"); ok && v != ViewSamples {
		if ValidName(v) {
			s.View = v
		} else {
			problems = append(problems, fmt.Sprintf("View %s is not a view name; showing samples.", quote(v)))
		}
	}
	if v, ok := last(q, "backend"); ok && v != "" {
		switch v {
		case "go", "onnx":
			s.Backend = v
		default:
			problems = append(problems, fmt.Sprintf("Backend %s is unknown (onnx or go); using the default.", quote(v)))
		}
	}
	if v, ok := last(q, "mask"); ok {
		var p string
		s.Mask, p = clampInt("Mask set", v, 0, MaxMasks-1, 0)
		if p != "" {
			problems = append(problems, p)
		}
	}
	if v, ok := last(q, "ens"); ok {
		var p string
		s.Ens, p = clampInt("Ensemble size", v, 1, MaxMasks, 1)
		if p != "" {
			problems = append(problems, p)
		}
	}
	if v, ok := last(q, "order"); ok && v != "" && v != "raster" {
		if v == "column" || v == "random" {
			s.Order = v
		} else {
			problems = append(problems, fmt.Sprintf("Ordering %s is unknown (raster, column or random); using raster.", quote(v)))
		}
	}
	if v, ok := last(q, "steps"); ok && v != "" {
		var p string
		s.Steps, s.DDPM, p = ParseSteps(v)
		if p != "" {
			problems = append(problems, p)
		}
	}
	if v, ok := last(q, "label"); ok {
		var p string
		var l int
		l, p = ParseLabel(v)
		s.Class = l + 1
		if p != "" {
			problems = append(problems, p)
		}
	}
	if s.Backend == "onnx" {
		s.Backend = "" // the default: written out only when it is "go"
	}
	return s, problems
}

// Query writes the state as a URL query in a fixed order, leaving out view, backend, mask, ens,
// steps and label when they have their defaults.
func (s State) Query() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model=%s&seed=%d&n=%d&t=%s", url.QueryEscape(s.Model), s.Seed, s.N, strconv.FormatFloat(s.Temp, 'g', -1, 64))
	if s.View != ViewSamples {
		b.WriteString("&view=" + url.QueryEscape(s.View))
	}
	if s.Backend != "" {
		b.WriteString("&backend=" + url.QueryEscape(s.Backend))
	}
	if s.Mask != 0 {
		fmt.Fprintf(&b, "&mask=%d", s.Mask)
	}
	if s.Ens != 1 {
		fmt.Fprintf(&b, "&ens=%d", s.Ens)
	}
	if v := StepsValue(s.Steps, s.DDPM); v != "" {
		b.WriteString("&steps=" + v)
	}
	if s.Class > 0 {
		fmt.Fprintf(&b, "&label=%d", s.Class-1)
	}
	if s.Order != "" {
		b.WriteString("&order=" + s.Order)
	}
	return b.String()
}

// ClampN parses a sample count and clamps it into 1..MaxN; problem is "" when v was fine.
func ClampN(v string) (n int, problem string) {
	i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil && isDigits(strings.TrimSpace(v)):
		return MaxN, fmt.Sprintf("n=%s is too large; showing %d samples (the most).", quote(v), MaxN)
	case err != nil:
		return DefaultN, fmt.Sprintf("n=%s is not a whole number; showing %d samples.", quote(v), DefaultN)
	case i < 1:
		return 1, fmt.Sprintf("n=%d is too small; showing 1 sample.", i)
	case i > MaxN:
		return MaxN, fmt.Sprintf("n=%d is too large; showing %d samples (the most).", i, MaxN)
	}
	return int(i), ""
}

// clampInt parses a whole number for the setting called what and clamps it into lo..hi (def when
// it is not a number); problem is "" when v was fine.
func clampInt(what, v string, lo, hi, def int) (n int, problem string) {
	i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	switch {
	case err != nil && isDigits(strings.TrimSpace(v)):
		return hi, fmt.Sprintf("%s %s is too large; using %d.", what, quote(v), hi)
	case err != nil:
		return def, fmt.Sprintf("%s %s is not a whole number; using %d.", what, quote(v), def)
	case i < int64(lo):
		return lo, fmt.Sprintf("%s %d is too small; using %d.", what, i, lo)
	case i > int64(hi):
		return hi, fmt.Sprintf("%s %d is too large; using %d.", what, i, hi)
	}
	return int(i), ""
}

// ClampMasks fits a mask selection to a model with k mask sets: first into 0..k-1, ens into
// 1..k. problem is "" when nothing changed.
func ClampMasks(first, ens, k int) (int, int, string) {
	if k < 1 {
		return 0, 1, ""
	}
	f, e := min(max(first, 0), k-1), min(max(ens, 1), k)
	if f != first || e != ens {
		return f, e, fmt.Sprintf("The model has %d mask sets; using set %d and an ensemble of %d.", k, f, e)
	}
	return f, e, ""
}

// ClampTemp clamps a temperature into MinTemp..MaxTemp (NaN gives the default).
func ClampTemp(t float64) float64 {
	if math.IsNaN(t) {
		return DefaultTemp
	}
	return math.Min(MaxTemp, math.Max(MinTemp, t))
}

// ValidName says whether s looks like a model or view name: 1 to 64 of a-z, 0-9, '-' and '_'.
// Names are checked against the real lists later; this keeps junk out of messages and the URL.
func ValidName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// last returns the last value of a key: a link edited by hand often has a key twice, and the
// one typed last is the one meant.
func last(q url.Values, key string) (string, bool) {
	vs := q[key]
	if len(vs) == 0 {
		return "", false
	}
	return vs[len(vs)-1], true
}

func isDigits(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// quote shows a user's value in a message, cut short so that a pasted novel stays readable.
func quote(v string) string {
	const max = 40
	if len(v) > max {
		v = v[:max] + "…"
	}
	return strconv.Quote(v)
}
