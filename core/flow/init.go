package flow

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	gm "github.com/gomlx/gomlx/ml/model"

	"genlab/core/model"
)

// initialisedVar marks, in checkpoints, that the ActNorm layers were initialised from data, so a
// resumed run does not initialise them again. weights.bin (trainable variables only) lacks it:
// inference never needs it.
const initialisedVar = "actnorm_initialised"

// actNormInit runs a model's data-dependent ActNorm initialisation once per store.
type actNormInit struct {
	done bool
}

// addInitFlag creates the store's "not yet initialised" flag (New calls it; loading a checkpoint
// then overwrites it).
func addInitFlag(store *gm.Store) error {
	v, err := store.RootScope().CreateVariable(initialisedVar, tensors.FromScalar(float32(0)))
	if err == nil {
		v.SetTrainable(false)
	}
	return err
}

// run evaluates loss on the first training batch with ActNorm in initialisation mode (which
// stores the parameters), unless the store's flag says it was done. Callers mark their inference
// graphs stale after it, as after any training step.
func (a *actNormInit) run(backend compute.Backend, store *gm.Store, loss func(scope *gm.Scope, in []*graph.Node) *graph.Node, inputs ...*tensors.Tensor) error {
	if a.done {
		return nil
	}
	flag := store.GetVariable("/" + initialisedVar)
	t, err := flag.Value()
	if err != nil {
		return err
	}
	if tensors.MustCopyFlatData[float32](t)[0] == 1 {
		a.done = true
		return nil
	}
	args := make([]any, len(inputs))
	for i, in := range inputs {
		args[i] = in
	}
	err = model.Guard(func() error {
		_, err := gm.CallOnce(backend, store, func(scope *gm.Scope, in []*graph.Node) *graph.Node {
			SetInitMode(scope, in[0].Graph())
			return graph.ReduceAllMean(loss(scope, in))
		}, args...)
		if err == nil {
			err = flag.SetValue(tensors.FromScalar(float32(1)))
		}
		return err
	})
	a.done = err == nil
	return err
}
