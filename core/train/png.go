package train

import (
	"genlab/core/plot"
)

// WriteLossPNG draws a loss log as a curve.
func WriteLossPNG(csvPath, pngPath, title string) error {
	rows, err := ReadLossCSV(csvPath)
	if err != nil {
		return err
	}
	xs, ys := make([]float64, len(rows)), make([]float64, len(rows))
	for i, r := range rows {
		xs[i], ys[i] = float64(r.Step), r.Loss
	}
	return plot.WritePNG(pngPath, plot.Curve(xs, ys, 640, 360, title+": training loss per step"))
}
