package protocol

import (
	"fmt"
	"strconv"
	"strings"
)

// URL state of the diffusion and conditional models: the sampler (steps=50 for DDIM with 50
// steps, steps=ddpm for DDPM) and the label a conditional GAN draws (label=3).

const (
	MinSteps = 10   // fewest DDIM steps a link may ask for
	MaxSteps = 1000 // most (a model with a smaller T uses T)
	NoLabel  = -1   // a conditional model draws its labels in turn (State.Class 0)
	MaxLabel = 99   // largest label a link may name (the app clamps to the model's own)
)

// ParseSteps reads a steps value: "ddpm", or a number of DDIM steps clamped into
// MinSteps..MaxSteps. problem is "" when v was fine.
func ParseSteps(v string) (steps int, ddpm bool, problem string) {
	if strings.EqualFold(strings.TrimSpace(v), "ddpm") {
		return 0, true, ""
	}
	n, p := clampInt("Steps", v, MinSteps, MaxSteps, 0)
	if p != "" {
		p = strings.TrimSuffix(p, ".") + fmt.Sprintf(" (DDIM takes %d to %d steps, or steps=ddpm).", MinSteps, MaxSteps)
		if n == 0 {
			p = fmt.Sprintf("Steps %s is neither a number nor ddpm; using the model's default.", quote(v))
		}
	}
	return n, false, p
}

// StepsValue writes the sampler as ParseSteps reads it ("" for the model's default).
func StepsValue(steps int, ddpm bool) string {
	switch {
	case ddpm:
		return "ddpm"
	case steps > 0:
		return strconv.Itoa(steps)
	}
	return ""
}

// ParseLabel reads a label value, clamped into 0..MaxLabel; "" or "all" is NoLabel.
func ParseLabel(v string) (label int, problem string) {
	if t := strings.TrimSpace(v); t == "" || strings.EqualFold(t, "all") {
		return NoLabel, ""
	}
	return clampInt("Label", v, 0, MaxLabel, NoLabel)
}

// ClampLabel fits a label to a model with classes labels: NoLabel stays, others go into
// 0..classes-1; a model without labels takes NoLabel. problem is "" when nothing changed.
func ClampLabel(label, classes int) (int, string) {
	if classes < 1 {
		return NoLabel, ""
	}
	if label == NoLabel {
		return label, ""
	}
	l := min(max(label, 0), classes-1)
	if l != label {
		return l, fmt.Sprintf("The model has labels 0 to %d; drawing label %d.", classes-1, l)
	}
	return l, ""
}

// Label is the label the state asks a conditional model for, NoLabel for all in turn.
func (s State) Label() int { return s.Class - 1 }
