package protocol

import (
	"strings"
	"testing"
)

// The diffusion sampler and the conditional label live in the URL, clamped, and round-trip.
func TestStepsAndLabelInTheURL(t *testing.T) {
	for _, c := range []struct {
		query   string
		steps   int
		ddpm    bool
		label   int
		problem string
	}{
		{"steps=50&label=3", 50, false, 3, ""},
		{"steps=ddpm", 0, true, NoLabel, ""},
		{"steps=", 0, false, NoLabel, ""},
		{"steps=DDPM&label=all", 0, true, NoLabel, ""},
		{"steps=5", MinSteps, false, NoLabel, "too small"},
		{"steps=100000", MaxSteps, false, NoLabel, "too large"},
		{"steps=99999999999999999999", MaxSteps, false, NoLabel, "too large"},
		{"steps=fast", 0, false, NoLabel, "neither a number nor ddpm"},
		{"label=-2", 0, false, 0, "too small"},
		{"label=1000", 0, false, MaxLabel, "too large"},
		{"label=x", 0, false, NoLabel, "not a whole number"},
	} {
		s, problems := ParseState(c.query)
		if c.problem == "" && len(problems) != 0 || c.problem != "" && (len(problems) != 1 || !strings.Contains(problems[0], c.problem)) {
			t.Errorf("%s: problems %q, want one about %q", c.query, problems, c.problem)
		}
		if s.Steps != c.steps || s.DDPM != c.ddpm || s.Label() != c.label {
			t.Errorf("%s: steps %d ddpm %v label %d, want %d %v %d", c.query, s.Steps, s.DDPM, s.Label(), c.steps, c.ddpm, c.label)
		}
		back, p := ParseState(s.Query())
		if back != s || len(p) != 0 {
			t.Errorf("%s: %q reads back as %+v %q", c.query, s.Query(), back, p)
		}
	}
	if s, _ := ParseState(""); s.Label() != NoLabel || strings.Contains(s.Query(), "steps") || strings.Contains(s.Query(), "label") {
		t.Errorf("the default state asks for label %d or writes %q", s.Label(), s.Query())
	}
}

func TestClampLabel(t *testing.T) {
	for _, c := range []struct{ in, classes, want int }{
		{NoLabel, 10, NoLabel}, {3, 10, 3}, {12, 10, 9}, {3, 0, NoLabel},
	} {
		if got, _ := ClampLabel(c.in, c.classes); got != c.want {
			t.Errorf("ClampLabel(%d, %d) = %d, want %d", c.in, c.classes, got, c.want)
		}
	}
}
