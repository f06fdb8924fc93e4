package gan

import (
	"fmt"

	"genlab/core/model"
)

// Views are a GAN's pictures beyond samples: a walk through latent space, and for a conditional
// GAN one row per label.
func (m *GAN) Views() []model.View {
	if m.cfg.Arch != "dcgan" {
		return nil
	}
	views := []model.View{
		{Name: "walk", Title: "Latent walk: each row moves in a straight line between two random z", Run: m.walk},
	}
	if m.cfg.Classes > 0 {
		views = append(views, model.View{Name: "labels", Title: fmt.Sprintf("Row r asks for label r (0 to %d); columns share z", m.cfg.Classes-1), Run: m.labelRows})
	}
	return views
}

const viewCols = 10

// walk decodes, in each row, z moving linearly from one random point to another. For a
// conditional GAN the label is fixed along a row (row r asks for r mod Classes).
func (m *GAN) walk(req model.ViewRequest) (*model.Grid, error) {
	rows := max(1, min(16, req.N/viewCols))
	l := m.cfg.Latent
	ends := model.Normals(model.Rand(req.Seed), 2*rows*l)
	z := model.Lerps(ends, rows, viewCols, l)
	var labels []int
	for r := range rows {
		for range viewCols {
			if m.cfg.Classes > 0 {
				labels = append(labels, r%m.cfg.Classes)
			}
		}
	}
	im, err := m.Generate(z, labels)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: viewCols}, nil
}

// labelRows asks for label r in row r, with the same viewCols noise vectors in every row, so
// that a column shows one "style" across labels.
func (m *GAN) labelRows(req model.ViewRequest) (*model.Grid, error) {
	rows, l := m.cfg.Classes, m.cfg.Latent
	cols := viewCols
	base := model.Normals(model.Rand(req.Seed), cols*l)
	z := make([]float32, 0, rows*cols*l)
	labels := make([]int, 0, rows*cols)
	for r := range rows {
		z = append(z, base...)
		for range cols {
			labels = append(labels, r)
		}
	}
	im, err := m.Generate(z, labels)
	if err != nil {
		return nil, err
	}
	return &model.Grid{Images: im, Cols: cols}, nil
}
