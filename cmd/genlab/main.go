// Command genlab trains, samples and evaluates genlab's generative models natively.
//
//	genlab list
//	genlab train  --model vae-digits --data DIR [--steps N] [--out DIR] [--backend go|onnx|xla:cuda]
//	genlab sample --model vae-digits -n 64 --seed 1 -o grid.png [--weights DIR] [--view NAME]
//	genlab eval   --model vae-digits --data DIR --json
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	_ "genlab/core/families"
	"genlab/core/model"
)

var commands = map[string]func(args []string) error{
	"list":       cmdList,
	"train":      cmdTrain,
	"sample":     cmdSample,
	"eval":       cmdEval,
	"webdata":    cmdWebdata,
	"webweights": cmdWebweights,
	"experiment": cmdExperiment,
}

const usage = `usage: genlab COMMAND [flags]
commands:
  list     the models genlab knows
  train    train a model (resumes from its checkpoint)
  sample   draw a grid of samples (or a model view) to a PNG
  eval     test-set metrics; with --json the last line is one JSON object
  experiment  reproduce a report's study (e.g. made) into docs/experiments/
  webdata  write the digit subsets the page fetches (web/data)
  webweights  write the page's float16 copies (page.bin, first.bin) beside each weights.bin given
run 'genlab COMMAND -h' for its flags`

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		if len(os.Args) >= 2 && os.Args[1] != "-h" && os.Args[1] != "help" && os.Args[1] != "--help" {
			fmt.Fprintf(os.Stderr, "genlab: unknown command %q\n", os.Args[1])
		}
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(1) // 2 is left to the Go runtime's fatal errors (scripts/resume-on-crash.sh)
	}
	heapHeadroom()
	err := run(commands[os.Args[1]], os.Args[2:])
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "genlab %s: %s\n", os.Args[1], oneLine(err))
		os.Exit(1)
	}
}

// run calls a command, turning a panic deep in a library into a one-line error: users get a
// reason, never a stack trace.
func run(cmd func([]string) error, args []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return cmd(args)
}

func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

func cmdList(args []string) error {
	fs := newFlags("list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, n := range model.Names() {
		s, _ := model.Lookup(n)
		fmt.Printf("%-16s %-10s %s\n", n, s.Data, s.About)
	}
	return nil
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("genlab "+name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	return fs
}

// parse parses flags and refuses stray arguments (a typo'd flag after a positional one would
// otherwise be ignored silently).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
