package protocol

import (
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

func TestParseStateDefaults(t *testing.T) {
	for _, q := range []string{"", "?", "?unrelated=1"} {
		s, problems := ParseState(q)
		if s != DefaultState() || len(problems) != 0 {
			t.Errorf("ParseState(%q) = %+v, %q; want defaults and no problems", q, s, problems)
		}
	}
}

func TestParseStateGood(t *testing.T) {
	s, problems := ParseState("?model=vae-digits&seed=18446744073709551615&n=256&t=0.5&view=traverse&backend=go&mask=3&ens=2")
	want := State{Model: "vae-digits", Seed: math.MaxUint64, N: 256, Temp: 0.5, View: "traverse", Backend: "go", Mask: 3, Ens: 2}
	if s != want || len(problems) != 0 {
		t.Fatalf("got %+v %q, want %+v", s, problems, want)
	}
}

// Absurd values are clamped or replaced, each with a message, and never fail the parse.
func TestParseStateAbsurd(t *testing.T) {
	cases := []struct {
		query   string
		check   func(State) bool
		problem string // a fragment of the one expected message
	}{
		{"n=999999999", func(s State) bool { return s.N == MaxN }, "too large"},
		{"n=99999999999999999999999", func(s State) bool { return s.N == MaxN }, "too large"},
		{"n=-5", func(s State) bool { return s.N == 1 }, "too small"},
		{"n=0", func(s State) bool { return s.N == 1 }, "too small"},
		{"n=abc", func(s State) bool { return s.N == DefaultN }, "not a whole number"},
		{"n=1.5", func(s State) bool { return s.N == DefaultN }, "not a whole number"},
		{"seed=abc", func(s State) bool { return s.Seed == DefaultSeed }, "Seed"},
		{"seed=-1", func(s State) bool { return s.Seed == DefaultSeed }, "Seed"},
		{"seed=18446744073709551616", func(s State) bool { return s.Seed == DefaultSeed }, "Seed"},
		{"t=NaN", func(s State) bool { return s.Temp == DefaultTemp }, "not a number"},
		{"t=1e300", func(s State) bool { return s.Temp == MaxTemp }, "outside"},
		{"t=-2", func(s State) bool { return s.Temp == MinTemp }, "outside"},
		{"model=%3Cscript%3E", func(s State) bool { return s.Model == DefaultModel }, "not a model name"},
		{"model=" + strings.Repeat("a", 65), func(s State) bool { return s.Model == DefaultModel }, "not a model name"},
		{"view=../x", func(s State) bool { return s.View == ViewSamples }, "not a view name"},
		{"backend=cuda", func(s State) bool { return s.Backend == "" }, "Backend"},
		{"n=%zz", func(s State) bool { return s.N == DefaultN }, "malformed"},
		{"mask=-1", func(s State) bool { return s.Mask == 0 }, "too small"},
		{"mask=64", func(s State) bool { return s.Mask == MaxMasks-1 }, "too large"},
		{"mask=99999999999999999999", func(s State) bool { return s.Mask == MaxMasks-1 }, "too large"},
		{"mask=x", func(s State) bool { return s.Mask == 0 }, "not a whole number"},
		{"ens=0", func(s State) bool { return s.Ens == 1 }, "too small"},
		{"ens=1e3", func(s State) bool { return s.Ens == 1 }, "not a whole number"},
		{"ens=65", func(s State) bool { return s.Ens == MaxMasks }, "too large"},
		{"order=diagonal", func(s State) bool { return s.Order == "" }, "Ordering"},
	}
	for _, c := range cases {
		s, problems := ParseState(c.query)
		if !c.check(s) {
			t.Errorf("ParseState(%q) = %+v: not clamped as expected", c.query, s)
		}
		if len(problems) != 1 || !strings.Contains(problems[0], c.problem) {
			t.Errorf("ParseState(%q) problems = %q, want one containing %q", c.query, problems, c.problem)
		}
	}
}

// An unknown but well-formed model passes the parse: only the worker knows the list.
func TestParseStateUnknownModelPasses(t *testing.T) {
	s, problems := ParseState("model=nope&n=3")
	if s.Model != "nope" || s.N != 3 || len(problems) != 0 {
		t.Fatalf("got %+v %q", s, problems)
	}
}

func TestParseStateLastValueWins(t *testing.T) {
	s, _ := ParseState("seed=1&seed=7")
	if s.Seed != 7 {
		t.Fatalf("seed = %d, want 7", s.Seed)
	}
}

func TestQueryRoundTrip(t *testing.T) {
	for _, s := range []State{
		DefaultState(),
		{Model: "vae-digits", Seed: 42, N: 9, Temp: 0.75, View: "interpolate", Ens: 1},
		{Model: "m_2", Seed: math.MaxUint64, N: 256, Temp: MinTemp, Backend: "go", Ens: 1},
		{Model: "made-digits", Seed: 3, N: 16, Temp: 1, Mask: 2, Ens: 3},
		{Model: "made-digits", Seed: 3, N: 16, Temp: 1, Ens: 1, Order: "column"},
	} {
		got, problems := ParseState(s.Query())
		if got != s || len(problems) != 0 {
			t.Errorf("ParseState(%q) = %+v %q, want %+v", s.Query(), got, problems, s)
		}
	}
	if q := DefaultState().Query(); q != "model=vae-digits&seed=1&n=64&t=1" {
		t.Errorf("default query %q", q)
	}
}

func TestMessagesJSON(t *testing.T) {
	req := Request{ID: 3, Op: OpSample, Seed: math.MaxUint64, N: 64, Temp: 1}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var back Request
	if err := json.Unmarshal(b, &back); err != nil || back != req {
		t.Fatalf("round trip of %s gave %+v, %v", b, back, err)
	}
	resp := Response{ID: 3, Kind: KindGrid, Grid: &GridInfo{Target: TargetMain, W: 2, H: 3, N: 1, Cols: 1}}
	b, _ = json.Marshal(resp)
	if !strings.Contains(string(b), `"grid":{"target":"main"`) || strings.Contains(string(b), "losses") {
		t.Fatalf("unexpected encoding %s", b)
	}
}

func TestClampMasks(t *testing.T) {
	for _, c := range []struct{ first, ens, k, f, e int }{
		{0, 1, 4, 0, 1}, {3, 4, 4, 3, 4}, {7, 9, 4, 3, 4}, {-2, 0, 4, 0, 1}, {5, 5, 0, 0, 1},
	} {
		f, e, p := ClampMasks(c.first, c.ens, c.k)
		if f != c.f || e != c.e || (p == "") != (f == c.first && e == c.ens || c.k < 1) {
			t.Errorf("ClampMasks(%d, %d, %d) = %d, %d, %q; want %d, %d", c.first, c.ens, c.k, f, e, p, c.f, c.e)
		}
	}
}

// TestWorkerPrefetchesTheDefaultModel: web/worker.js prefetches the first picture's weights of
// the link's model before the Go program runs, and must name the same default model.
func TestWorkerPrefetchesTheDefaultModel(t *testing.T) {
	js, err := os.ReadFile("../../web/worker.js")
	if err != nil {
		t.Fatal(err)
	}
	if want := "get('model') || '" + DefaultModel + "'"; !strings.Contains(string(js), want) {
		t.Errorf("web/worker.js does not default to %s (no %q)", DefaultModel, want)
	}
}
