package eval

import (
	"fmt"

	"github.com/gomlx/compute"

	"genlab/core/classifier"
	"genlab/core/data"
	"genlab/core/model"
)

// ClassifierWeights is where the judge's weights live (pretrained lenet-digits).
var ClassifierWeights = "pretrained/lenet-digits/weights.bin"

// Judge scores digit samplers against the test set with the pretrained classifier.
type Judge struct {
	clf  *classifier.Classifier
	test *classifier.Scores
}

// NewJudge loads the classifier and scores the reference (test) images once.
func NewJudge(backend compute.Backend, test *data.Images) (*Judge, error) {
	w, err := model.ReadWeightsFile(ClassifierWeights)
	if err != nil {
		return nil, fmt.Errorf("sample-quality metrics need the digit classifier: %w", err)
	}
	m, err := model.FromWeights(backend, w, "lenet-digits", ClassifierWeights)
	if err != nil {
		return nil, err
	}
	j := &Judge{clf: m.(*classifier.Classifier)}
	if j.test, err = j.clf.Score(test); err != nil {
		return nil, err
	}
	return j, nil
}

// TestInceptionScore is the reference: the test digits' own Inception Score.
func (j *Judge) TestInceptionScore() float64 { return InceptionScore(j.test.Probs) }

// Score reports the Inception Score of images and their Fréchet distance to the test set.
func (j *Judge) Score(images *data.Images) (model.Metrics, error) {
	s, err := j.clf.Score(images)
	if err != nil {
		return nil, err
	}
	fd, err := FrechetDistance(s.Features, j.test.Features)
	if err != nil {
		return nil, err
	}
	return model.Metrics{"inception_score": InceptionScore(s.Probs), "fd": fd,
		"test_inception_score": j.TestInceptionScore(), "quality_samples": float64(images.N)}, nil
}

// Classify returns the judge's label for each image (for conditional models' label accuracy).
func (j *Judge) Classify(images *data.Images) ([]int, error) {
	s, err := j.clf.Score(images)
	if err != nil {
		return nil, err
	}
	return s.Predict(), nil
}

// DrawSamples draws n samples from m in chunks (seeds seed, seed+1, …) so that memory stays
// bounded whatever n is.
func DrawSamples(m model.Model, n int, seed uint64, progress func(done, n int)) (*data.Images, error) {
	return DrawSamplesWith(m, n, model.SampleOptions{Seed: seed}, progress)
}

// DrawSamplesWith is DrawSamples with the other sampling options (temperature, steps) of opt;
// opt.Seed is the first chunk's seed and opt.N is ignored.
func DrawSamplesWith(m model.Model, n int, opt model.SampleOptions, progress func(done, n int)) (*data.Images, error) {
	const chunk = 500
	var out *data.Images
	seed := opt.Seed
	for done := 0; done < n; done += chunk {
		opt.N, opt.Seed = min(chunk, n-done), seed+uint64(done/chunk)
		im, err := m.Sample(opt)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = &data.Images{H: im.H, W: im.W, C: im.C}
		}
		out.N += im.N
		out.Pix = append(out.Pix, im.Pix...)
		if progress != nil {
			progress(done+im.N, n)
		}
	}
	return out, nil
}
