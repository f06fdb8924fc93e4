package data

import (
	"slices"
	"testing"
)

// indexedImages holds n one-pixel images whose value is their index, so a batch names its images.
func indexedImages(n int, labelled bool) *Images {
	im := &Images{N: n, H: 1, W: 1, C: 1, Pix: make([]float32, n)}
	for i := range im.Pix {
		im.Pix[i] = float32(i)
	}
	if labelled {
		im.Labels = make([]uint8, n)
		for i := range im.Labels {
			im.Labels[i] = uint8(i % 251)
		}
	}
	return im
}

func TestBatcherSeekMatchesUninterrupted(t *testing.T) {
	im := indexedImages(103, true) // 103 = 10 batches of 10 and 3 dropped per epoch
	fresh := NewBatcher(im, 10, 42)
	var xs [][]float32
	var ls [][]uint8
	for range 35 { // three and a half epochs
		x, l := fresh.Next()
		xs, ls = append(xs, x), append(ls, l)
	}
	for _, k := range []int64{0, 1, 9, 10, 11, 20, 34} {
		b := NewBatcher(im, 10, 42)
		b.Next() // some history that Seek must override
		b.SeekStep(k)
		if b.Step() != k {
			t.Fatalf("Step after SeekStep(%d) = %d", k, b.Step())
		}
		x, l := b.Next()
		if !slices.Equal(x, xs[k]) || !slices.Equal(l, ls[k]) {
			t.Errorf("SeekStep(%d): batch %v, uninterrupted run had %v", k, x, xs[k])
		}
		if b.Step() != k+1 {
			t.Errorf("Step after SeekStep(%d) and Next = %d", k, b.Step())
		}
	}
	// Backwards too: a batcher that has run ahead can be rewound.
	fresh.SeekStep(3)
	if x, _ := fresh.Next(); !slices.Equal(x, xs[3]) {
		t.Error("Seek backwards does not reproduce batch 3")
	}
}

func TestBatcherEpochs(t *testing.T) {
	const n, bs = 103, 10
	im := indexedImages(n, true)
	b := NewBatcher(im, bs, 7)
	var perms [][]int
	for epoch := range 3 {
		seen := make([]int, n)
		var order []int
		for range n / bs {
			x, l := b.Next()
			if len(x) != bs*im.Dim() || len(l) != bs {
				t.Fatalf("batch of %d values and %d labels", len(x), len(l))
			}
			for i, v := range x {
				j := int(v)
				seen[j]++
				order = append(order, j)
				if l[i] != im.Labels[j] {
					t.Fatalf("label %d travelled with image %d", l[i], j)
				}
			}
		}
		dropped := 0
		for j, c := range seen {
			if c > 1 {
				t.Fatalf("epoch %d: image %d seen %d times", epoch, j, c)
			}
			if c == 0 {
				dropped++
			}
		}
		if dropped != n%bs {
			t.Fatalf("epoch %d: %d images unseen, want the %d remainder", epoch, dropped, n%bs)
		}
		perms = append(perms, order)
	}
	if slices.Equal(perms[0], perms[1]) || slices.Equal(perms[1], perms[2]) {
		t.Error("epochs reuse a permutation")
	}
	// The seed matters, and the order is really shuffled.
	x, _ := NewBatcher(im, n, 8).Next()
	y, _ := NewBatcher(im, n, 7).Next()
	if slices.Equal(x, y) || slices.IsSorted(x) {
		t.Error("seeds 7 and 8 give the same epoch, or it is not shuffled")
	}
}

func TestBatcherFreshSlicesAndNoLabels(t *testing.T) {
	im := indexedImages(20, false)
	b := NewBatcher(im, 20, 1)
	x1, l1 := b.Next()
	if l1 != nil {
		t.Errorf("labels %v for an unlabelled set", l1)
	}
	keep := slices.Clone(x1)
	x1[0] = -1 // the caller owns the batch: scribbling on it changes neither the set nor later batches
	b.SeekStep(0)
	if x2, _ := b.Next(); !slices.Equal(x2, keep) || im.Pix[int(keep[0])] != keep[0] {
		t.Error("batches share memory with each other or with the images")
	}
}

func TestNewBatcherRejectsBadSize(t *testing.T) {
	for _, bs := range []int{0, 21} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("batch size %d of 20 images did not panic", bs)
				}
			}()
			NewBatcher(indexedImages(20, false), bs, 1)
		}()
	}
}
