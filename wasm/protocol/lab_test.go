package protocol

import (
	"reflect"
	"testing"
)

func TestParseLabState(t *testing.T) {
	for _, c := range []struct {
		query    string
		want     LabState
		problems int
	}{
		{"model=vae-digits", DefaultLabState(), 0},
		{"lab=gan&density=spirals&k=5", LabState{Family: "gan", Density: "spirals", Arch: "glow", K: 5}, 0},
		{"lab=flow&arch=realnvp", LabState{Family: "flow", Density: "moons", Arch: "realnvp", K: 1}, 0},
		{"lab=vae&density=blob&arch=maf&k=99", LabState{Density: "moons", Arch: "glow", K: LabMaxK}, 4},
		{"lab=gan&k=x", LabState{Family: "gan", Density: "moons", Arch: "glow", K: 1}, 1},
	} {
		got, problems := ParseLabState(c.query)
		if got != c.want || len(problems) != c.problems {
			t.Errorf("%q: %+v %q, want %+v and %d problems", c.query, got, problems, c.want, c.problems)
		}
		if got.On() {
			again, _ := ParseLabState(got.Query())
			if !reflect.DeepEqual(again, got) {
				t.Errorf("%q: round trip through %q gives %+v", c.query, got.Query(), again)
			}
		}
	}
	if q := DefaultLabState().Query(); q != "" {
		t.Errorf("lab off writes %q, want nothing", q)
	}
}
