package first

import (
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// worker.js runs the first-picture program only for the models it draws: its list must be this
// package's (a model missing there loses the fast path; one too many costs a wasted fetch).
func TestWorkerJSListsTheDrawnModels(t *testing.T) {
	js, err := os.ReadFile("../../web/worker.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`const FIRST_DRAWN = \[([^\]]*)\];`).FindSubmatch(js)
	if m == nil {
		t.Fatal("web/worker.js has no FIRST_DRAWN list")
	}
	var listed []string
	for _, f := range strings.Split(string(m[1]), ",") {
		listed = append(listed, strings.Trim(strings.TrimSpace(f), `'"`))
	}
	if !slices.Equal(listed, drawn) {
		t.Errorf("web/worker.js FIRST_DRAWN = %q, core/first draws %q", listed, drawn)
	}
}

// dense is x·w + b with ReLU, or the sigmoid on the last layer, on any number of rows (the
// four-row blocks and the rest).
func TestDense(t *testing.T) {
	const in, out = 3, 2
	w := []float32{1, -1, 2, 0, -3, 1} // rows of w: [1 −1], [2 0], [−3 1]
	b := []float32{0.5, -0.5}
	for n := 1; n <= 6; n++ {
		x := make([]float32, n*in)
		for i := range x {
			x[i] = float32(i%4) - 1
		}
		relu, sig := dense(x, n, w, b, in, out, false), dense(x, n, w, b, in, out, true)
		for r := range n {
			for j := range out {
				want := b[j]
				for k := range in {
					want += x[r*in+k] * w[k*out+j]
				}
				if got := relu[r*out+j]; got != max(want, 0) {
					t.Errorf("n=%d row %d unit %d: ReLU layer %g, want %g", n, r, j, got, max(want, 0))
				}
				if got, s := sig[r*out+j], 1/(1+exp(-want)); abs(got-s) > 1e-6 {
					t.Errorf("n=%d row %d unit %d: sigmoid layer %g, want %g", n, r, j, got, s)
				}
			}
		}
	}
}

func exp(v float32) float32 { return float32(math.Exp(float64(v))) }

func abs(v float32) float32 { return max(v, -v) }
