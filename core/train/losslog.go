package train

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
)

// lossLog appends "step,loss" rows to a CSV. On resume it first drops rows after the checkpoint's
// step, so the log always describes the run the weights came from.
type lossLog struct {
	f *os.File
	w *bufio.Writer
}

func openLossLog(path string, step int) (*lossLog, error) {
	rows, _ := ReadLossCSV(path)
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	l := &lossLog{f: f, w: bufio.NewWriter(f)}
	fmt.Fprintln(l.w, "step,loss")
	for _, r := range rows {
		if r.Step <= step {
			if err := l.Add(r.Step, r.Loss); err != nil {
				return nil, err
			}
		}
	}
	return l, nil
}

func (l *lossLog) Add(step int, loss float64) error {
	_, err := fmt.Fprintf(l.w, "%d,%.6g\n", step, loss)
	return err
}

func (l *lossLog) Sync() error {
	if err := l.w.Flush(); err != nil {
		return err
	}
	return l.f.Sync()
}

func (l *lossLog) Close() error {
	_ = l.Sync()
	return l.f.Close()
}

// LossRow is one logged step.
type LossRow struct {
	Step int
	Loss float64
}

// ReadLossCSV reads a loss log, skipping malformed rows (a run killed mid-write leaves at most
// one partial line).
func ReadLossCSV(path string) ([]LossRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, _ := r.ReadAll()
	var rows []LossRow
	for _, rec := range recs {
		if len(rec) != 2 {
			continue
		}
		s, err1 := strconv.Atoi(rec[0])
		v, err2 := strconv.ParseFloat(rec[1], 64)
		if err1 == nil && err2 == nil {
			rows = append(rows, LossRow{s, v})
		}
	}
	return rows, nil
}
