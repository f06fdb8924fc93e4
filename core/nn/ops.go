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
