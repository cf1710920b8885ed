package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/prozorro-go/prozorro/ocds/flags"
)

const flagsUsage = `usage: prozorro flags [-settings FILE] [-workers N] [-no-meta] [-count] FILE

Computes red-flag indicators over OCDS compiled releases (or records, whose
compiledRelease is read), one JSON document a line; FILE "-" is standard
input, and gzip input (a .gz name or gzip bytes) is decompressed. Prints
the result as Cardinal's indicators command does:
{"OCID": {ocid: {code: value}}, "Buyer": {...}, "ProcuringEntity": {...},
"Tenderer": {...}, "Meta": {code: {quartiles and fences}}}.

The settings file is Cardinal's settings.ini format; without one every
indicator runs with its defaults. A line that is not JSON or has no ocid is
reported with its number on standard error and skipped; only a read error
fails the command.
`

// runFlags is the flags command.
func runFlags(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flags", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, flagsUsage); fs.PrintDefaults() }
	settingsPath := fs.String("settings", "", "settings file (Cardinal's INI format)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines parsing releases")
	noMeta := fs.Bool("no-meta", false, `leave out the "Meta" key`)
	count := fs.Bool("count", false, "print the number of results per group to standard error")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("flags: want one FILE")
	}
	s := flags.DefaultSettings()
	if *settingsPath != "" {
		var err error
		if s, err = flags.LoadSettings(*settingsPath); err != nil {
			return fmt.Errorf("flags: settings: %w", err)
		}
	}

	name := fs.Arg(0)
	var in io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("flags: %w", err)
		}
		defer f.Close()
		in = f
	}
	in, err := decompress(in, strings.HasSuffix(name, ".gz"))
	if err != nil {
		return fmt.Errorf("flags: %s: %w", name, err)
	}

	bad := 0
	facts, err := flags.ReadFacts(ctxReader{ctx, in}, s, *workers, func(e *flags.LineError) {
		bad++
		fmt.Fprintf(stderr, "flags: %s: %v, skipping\n", name, e)
	})
	if err != nil {
		return fmt.Errorf("flags: %s: %w", name, err)
	}
	report := flags.Indicators(facts, s)
	if *noMeta {
		report.Meta = nil
	}
	data, err := json.Marshal(report)
	if err != nil {
		return err
	}
	if _, err := stdout.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("flags: %w", err)
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "flags: %d processes read, %d bad lines skipped\n", len(facts), bad)
	}
	if *count {
		for _, g := range []struct {
			name string
			rs   flags.Results
		}{{"OCID", report.OCID}, {"Buyer", report.Buyer}, {"ProcuringEntity", report.ProcuringEntity}, {"Tenderer", report.Tenderer}} {
			if len(g.rs) > 0 {
				fmt.Fprintf(stderr, "%s: %d\n", g.name, len(g.rs))
			}
		}
	}
	return nil
}

// decompress returns a gzip reader over r when gz is set or r starts with
// the gzip magic bytes.
func decompress(r io.Reader, gz bool) (io.Reader, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); gz || len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// ctxReader stops reading when ctx is done, so that an interrupt ends the
// command.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
