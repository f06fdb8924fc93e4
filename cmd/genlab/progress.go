package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"genlab/core/train"
)

// progressBar redraws one status line at most a few times a second.
type progressBar struct {
	w     io.Writer
	last  time.Time
	start time.Time
	first int
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{w: w, start: time.Now(), first: -1}
}

func (b *progressBar) update(p train.Progress) {
	if b.first < 0 {
		b.first = p.Step - 1
	}
	if time.Since(b.last) < 250*time.Millisecond && p.Step != p.Steps {
		return
	}
	b.last = time.Now()
	const width = 30
	fill := width * p.Step / max(1, p.Steps)
	perStep := time.Since(b.start) / time.Duration(max(1, p.Step-b.first))
	eta := perStep * time.Duration(p.Steps-p.Step)
	fmt.Fprintf(b.w, "\rstep %d/%d [%s%s] loss %.4g  %.1f ms/step  ETA %s   ",
		p.Step, p.Steps, strings.Repeat("=", fill), strings.Repeat(" ", width-fill), p.Loss,
		float64(perStep.Microseconds())/1000, eta.Round(time.Second))
	b.drawn = true
}

func (b *progressBar) done() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
