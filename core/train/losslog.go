package train

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"

	"genlab/core/model"
)

// lossLog appends "step,loss" rows to a CSV. On resume it first drops rows after the checkpoint's
// step, so the log always describes the run the weights came from.
type lossLog struct {
	f *os.File
	w *bufio.Writer
}

func openLossLog(path string, step int) (*lossLog, error) {
	// The kept rows are rewritten atomically before anything is appended: a crash right after a
	// resume must not leave the log truncated (it once lost a run's first 142 rows that way).
	rows, _ := ReadLossCSV(path)
	var b strings.Builder
	b.WriteString("step,loss\n")
	for _, r := range rows {
		if r.Step <= step {
			fmt.Fprintf(&b, "%d,%.6g\n", r.Step, r.Loss)
		}
	}
	if err := model.WriteFileAtomic(path, []byte(b.String())); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, err
	}
	return &lossLog{f: f, w: bufio.NewWriter(f)}, nil
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
