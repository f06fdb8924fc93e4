package diffusion

import (
	"strings"
	"testing"

	"genlab/core/model"
	"genlab/core/model/modeltest"
)

// A U-Net grown by a block per level and direction and by attention (model.Grow) starts as the
// same function: its new blocks' last convolutions and attention's output projection are zero, so its samples are the trained net's, bit for bit. It
// then trains; shapes that changed are refused.
func TestGrownUNetKeepsItsFunction(t *testing.T) {
	d := newModel(t, "ddpm-digits", tinyUNet, 1)
	modeltest.Train(t, d, halves(), model.Rand(2), 20)
	want, err := d.Sample(model.SampleOptions{N: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	b, err := model.Encode(model.Header{Model: "ddpm-digits", Config: mustJSON(t, tinyUNet)}, d.Store(), false)
	if err != nil {
		t.Fatal(err)
	}
	w, err := model.Decode(b, "w")
	if err != nil {
		t.Fatal(err)
	}
	be, _ := model.NewBackend("go")
	bigger := tinyUNet
	bigger.Blocks, bigger.Attention = 2, true
	g, fresh, err := model.Grow(be, w, mustJSON(t, bigger), "w", 9)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range fresh {
		if !strings.Contains(p, "_1/") && !strings.Contains(p, "/attn/") {
			t.Fatalf("variable %s is new, but only the second blocks (…_1) and attention are", p)
		}
	}
	if len(fresh) == 0 {
		t.Fatal("no new variables")
	}
	got, err := g.Sample(model.SampleOptions{N: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Pix {
		if got.Pix[i] != want.Pix[i] {
			t.Fatalf("pixel %d: grown net %g, trained net %g", i, got.Pix[i], want.Pix[i])
		}
	}
	if first, last := modeltest.Train(t, g, halves(), model.Rand(3), 20); !(last < first) {
		t.Fatalf("grown net's loss %.4f -> %.4f", first, last)
	}
	wider := tinyUNet
	wider.Channels = []int{4, 16}
	if _, _, err := model.Grow(be, w, mustJSON(t, wider), "w", 9); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Fatalf("a changed width was grown: %v", err)
	}
	if _, _, err := model.Grow(be, w, mustJSON(t, tinyUNet), "w", 9); err == nil {
		t.Fatal("growing into the same architecture accepted")
	}
}
