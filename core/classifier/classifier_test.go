package classifier

import (
	"strings"
	"testing"

	"genlab/core/data"
	"genlab/core/model"
)

// Two synthetic classes (bright top half vs bright bottom half) must be learnt to 100% quickly,
// and the scores must be probability rows plus features of the configured sizes.
func TestLearnsTwoClasses(t *testing.T) {
	b, _ := model.NewBackend("go")
	m, err := model.New(b, "lenet-digits", []byte(`{"side":8,"channels":[4,8],"features":16,"classes":2}`), 1)
	if err != nil {
		t.Fatal(err)
	}
	x := &data.Images{N: 32, H: 8, W: 8, C: 1, Pix: make([]float32, 32*64), Labels: make([]uint8, 32)}
	for i := range x.N {
		x.Labels[i] = uint8(i % 2)
		for p := range 64 {
			if (p < 32) == (i%2 == 0) {
				x.Pix[i*64+p] = 1
			}
		}
	}
	for range 60 {
		if _, err := m.TrainStep(x, nil); err != nil {
			t.Fatal(err)
		}
	}
	met, err := m.Evaluate(x, model.EvalOptions{})
	if err != nil || met["accuracy"] != 1 {
		t.Fatalf("accuracy %v, %v", met, err)
	}
	s, _ := m.(*Classifier).Score(x)
	if len(s.Probs) != 32 || len(s.Probs[0]) != 2 || len(s.Features[0]) != 16 {
		t.Fatalf("scores of shape %d×%d / %d", len(s.Probs), len(s.Probs[0]), len(s.Features[0]))
	}
	if sum := s.Probs[0][0] + s.Probs[0][1]; sum < 0.999 || sum > 1.001 {
		t.Fatalf("probabilities sum to %g", sum)
	}
	if _, err := m.Sample(model.SampleOptions{N: 1}); err == nil || !strings.Contains(err.Error(), "classifier") {
		t.Fatalf("Sample on a classifier: %v", err)
	}
}
