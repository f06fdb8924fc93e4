package nn

import "github.com/gomlx/gomlx/core/graph"

// Softplus is log(1 + eˣ) = max(x, 0) + log1p(e^−|x|), stable for large |x|. GoMLX's own
// graph.Softplus goes through IsFinite, which ONNX Runtime (and so the page) does not implement.
func Softplus(x *Node) *Node {
	return graph.Add(graph.Max(x, graph.ZerosLike(x)), graph.Log1p(graph.Exp(graph.Neg(graph.Abs(x)))))
}

// BernoulliLogProb is Σ_d log p(x_d | logit_d) = Σ_d x·l − softplus(l) over the last axis: the
// log-likelihood of binary pixels under independent Bernoulli logits.
func BernoulliLogProb(x, logits *Node) *Node {
	return graph.ReduceSum(graph.Sub(graph.Mul(x, logits), Softplus(logits)), -1)
}

// PixelNorm divides every position's feature vector (the last axis) by its root mean square
// (Karras et al. 2018, "Progressive growing of GANs", 4.2): a normalisation with no variables and
// no batch statistics, so a generator samples one image exactly as it trains on a batch. It keeps
// G's activations from drifting in magnitude as the two players compete.
func PixelNorm(x *Node) *Node {
	ms := graph.ReduceAndKeep(graph.Square(x), graph.ReduceMean, -1)
	return graph.Div(x, graph.Sqrt(graph.AddScalar(ms, 1e-8))) // (GoMLX has no gradient for Rsqrt)
}
