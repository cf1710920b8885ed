package flags

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"sync"
)

// LineError is a line of input that is not a compiled release: invalid
// JSON, or no string ocid (ErrNoOCID).
type LineError struct {
	Line int // 1-based
	Err  error
}

func (e *LineError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Err.Error() }

func (e *LineError) Unwrap() error { return e.Err }

// ReadFacts reads compiled releases (or records) as JSON Lines and
// extracts their facts with workers goroutines (at least 1), keeping only
// the facts: memory is bounded by the facts plus a few batches of lines.
// Facts come back in input order. Blank lines are skipped; a bad line is
// passed to onBad (in line order, from one goroutine; nil ignores it) and
// skipped, as Cardinal does. The error is a read error only.
func ReadFacts(r io.Reader, s Settings, workers int, onBad func(*LineError)) ([]Facts, error) {
	workers = max(workers, 1)
	type batch struct {
		seq   int
		first int      // line number of lines[0]
		lines [][]byte // nil entries are blank lines
		facts []Facts
		bad   []*LineError
	}
	const batchLines = 256
	in := make(chan *batch, workers)
	out := make(chan *batch, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range in {
				for i, l := range b.lines {
					if l == nil {
						continue
					}
					p, err := ParseRelease(l)
					if err != nil {
						b.bad = append(b.bad, &LineError{Line: b.first + i, Err: err})
						continue
					}
					b.facts = append(b.facts, Extract(p, s))
				}
				b.lines = nil
				out <- b
			}
		})
	}

	var readErr error
	go func() {
		defer close(in)
		br := bufio.NewReaderSize(r, 1<<20)
		b := &batch{first: 1}
		n, seq := 0, 0
		for {
			line, err := readLine(br)
			if len(line) > 0 || err == nil {
				n++
				if len(bytes.TrimSpace(line)) == 0 {
					line = nil
				}
				b.lines = append(b.lines, line)
				if len(b.lines) == batchLines {
					in <- b
					seq++
					b = &batch{seq: seq, first: n + 1}
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
		}
		if len(b.lines) > 0 {
			in <- b
		}
	}()
	go func() {
		wg.Wait()
		close(out)
	}()

	var facts []Facts
	pending := map[int]*batch{}
	next := 0
	for b := range out {
		pending[b.seq] = b
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			facts = append(facts, d.facts...)
			if onBad != nil {
				for _, e := range d.bad {
					onBad(e)
				}
			}
		}
	}
	return facts, readErr
}

// readLine returns the next line without its end of line, however long.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		var line []byte
		if long != nil {
			line = append(long, chunk...)
		} else {
			line = bytes.Clone(chunk)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, err
	}
}
