package data

import (
	"fmt"
	"math/rand/v2"
)

// Batcher hands out shuffled minibatches. Its whole state is the step number: batch k is a pure
// function of (images, batch size, seed, k), so a training run resumed from a checkpoint at step
// k with SeekStep(k) sees exactly the data an uninterrupted run would have seen.
//
// Epoch e uses its own permutation of the images, drawn from (seed, e); its batches are the
// consecutive batchSize-long slices of that permutation, and the last N mod batchSize images of
// the permutation are dropped so that no batch straddles two epochs.
type Batcher struct {
	im        *Images
	batchSize int
	seed      uint64
	step      int64

	perm      []int // permutation of the cached epoch, recomputed only when the epoch changes
	permEpoch int64
}

// NewBatcher returns a batcher at step 0. It panics unless 1 <= batchSize <= im.N, since
// otherwise an epoch would hold no batch.
func NewBatcher(im *Images, batchSize int, seed uint64) *Batcher {
	if batchSize < 1 || batchSize > im.N {
		panic(fmt.Sprintf("data.NewBatcher: batch size %d for %d images, want 1..%d", batchSize, im.N, im.N))
	}
	return &Batcher{im: im, batchSize: batchSize, seed: seed, permEpoch: -1}
}

// Next returns batch number Step() and advances: x is a fresh batchSize×Dim slice, labels a fresh
// slice or nil when the set has none.
func (b *Batcher) Next() (x []float32, labels []uint8) {
	perBatch := int64(b.im.N / b.batchSize)
	epoch, first := b.step/perBatch, int(b.step%perBatch)*b.batchSize
	if epoch != b.permEpoch {
		b.perm = epochPerm(b.im.N, b.seed, epoch)
		b.permEpoch = epoch
	}
	d := b.im.Dim()
	x = make([]float32, b.batchSize*d)
	if b.im.Labels != nil {
		labels = make([]uint8, b.batchSize)
	}
	for i, j := range b.perm[first : first+b.batchSize] {
		copy(x[i*d:(i+1)*d], b.im.Image(j))
		if labels != nil {
			labels[i] = b.im.Labels[j]
		}
	}
	b.step++
	return x, labels
}

// Seek makes the next Next return batch number step (0 = the first batch ever handed out).
func (b *Batcher) SeekStep(step int64) {
	if step < 0 {
		panic(fmt.Sprintf("data.Batcher.Seek: negative step %d", step))
	}
	b.step = step
}

// Step is the number of the batch the next Next returns, which is how many batches a batcher that
// was never Seeked has handed out.
func (b *Batcher) Step() int64 { return b.step }

// epochPerm is the permutation for one epoch. The epoch goes through a SplitMix64 finaliser
// before seeding PCG so that neighbouring epochs start from unrelated generator states.
func epochPerm(n int, seed uint64, epoch int64) []int {
	return rand.New(rand.NewPCG(seed, splitmix64(uint64(epoch)))).Perm(n)
}

func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
