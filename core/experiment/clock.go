package experiment

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"genlab/core/model"
	"genlab/core/train"
)

// trainClock adds up a trial's training time over the pieces of a resumed run (a crash, Ctrl-C),
// kept in the run folder beside the checkpoint, so that the table's train time is the whole
// run's. A run folder with a checkpoint or weights but no time file (made before the clock
// existed) has an unknown time.
type trainClock struct {
	path  string
	prev  time.Duration // < 0: unknown
	start time.Time
	saved time.Time
	// trained is set by the first tick (one per step): a finished trial that is only loaded
	// and evaluated adds no time.
	trained bool
}

const clockFile = "train-seconds.txt"

func newTrainClock(out string) *trainClock {
	c := &trainClock{path: filepath.Join(out, clockFile), start: time.Now()}
	c.saved = c.start
	b, err := os.ReadFile(c.path)
	switch {
	case err == nil:
		s, perr := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
		if perr != nil || s < 0 {
			c.prev = -1
		} else {
			c.prev = time.Duration(s * float64(time.Second))
		}
	case errors.Is(err, fs.ErrNotExist): // trained before by something that kept no time?
		for _, f := range []string{train.CheckpointFile, train.WeightsFile} {
			if _, err := os.Stat(filepath.Join(out, f)); err == nil {
				c.prev = -1
			}
		}
	default:
		c.prev = -1
	}
	return c
}

// tick saves the running total every few seconds (a crash loses at most that much).
func (c *trainClock) tick() {
	c.trained = true
	if time.Since(c.saved) >= 5*time.Second {
		c.save(c.total())
	}
}

// stop saves and returns the total.
func (c *trainClock) stop() time.Duration {
	t := c.total()
	c.save(t)
	return t
}

func (c *trainClock) total() time.Duration {
	if c.prev < 0 || !c.trained {
		return c.prev
	}
	return c.prev + time.Since(c.start)
}

func (c *trainClock) save(t time.Duration) {
	c.saved = time.Now()
	if t >= 0 {
		_ = model.WriteFileAtomic(c.path, []byte(strconv.FormatFloat(t.Seconds(), 'f', 3, 64)+"\n"))
	}
}
