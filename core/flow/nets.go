package flow

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	gm "github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"

	"genlab/core/nn"
)

// ConvNet is the conditioner of image couplings, Glow's net with optional residual depth: a 3×3
// convolution to hidden channels, blocks residual blocks (ReLU, 3×3, ReLU, 3×3, added back), a
// ReLU'd 1×1 convolution, and a zero-initialised 3×3 convolution to the outputs (so the coupling
// starts as the identity). The 1×1 layer gives width where it is cheap. Convolutions are
// nn.Conv2D: im2col on the Go backend.
func ConvNet(hidden, blocks int) Net {
	return func(scope *gm.Scope, h *Node, out int) *Node {
		y := nn.Conv2D(scope.In("in"), h, hidden, 3, 1)
		for i := range blocks {
			r := nn.Conv2D(scope.In("block%d_a", i), activation.Relu(y), hidden, 3, 1)
			r = nn.Conv2D(scope.In("block%d_b", i), activation.Relu(r), hidden, 3, 1)
			y = graph.Add(y, r)
		}
		y = nn.Conv2D(scope.In("mid"), activation.Relu(y), hidden, 1, 1)
		return nn.Conv2D(scope.In("out").WithInitializer(initializer.Zero), activation.Relu(y), out, 3, 1)
	}
}

// MLPNet is the conditioner of vector couplings (the 2-D flows): depth ReLU layers of width
// hidden and a zero-initialised output layer.
func MLPNet(hidden, depth int) Net {
	return func(scope *gm.Scope, h *Node, out int) *Node {
		for i := range depth {
			h = activation.Relu(layers.DenseWithBias(scope.In("hidden%d", i), h, hidden))
		}
		return layers.DenseWithBias(scope.In("out").WithInitializer(initializer.Zero), h, out)
	}
}
