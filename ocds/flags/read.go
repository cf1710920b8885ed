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

// Error says which line and why.
func (e *LineError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Err.Error() }

// Unwrap returns the parse error, for errors.Is(err, ErrNoOCID).
func (e *LineError) Unwrap() error { return e.Err }

// ReadFacts reads compiled releases (or records) as JSON Lines and
// extracts their facts with workers goroutines (at least 1), keeping only
// the facts: memory is bounded by the facts plus a few batches of lines,
// and strings that repeat across facts (organization ids, codes) are held
// once per worker.
// Facts come back in input order. Blank lines are skipped; a bad line is
// passed to onBad (in line order, from one goroutine; nil ignores it) and
// skipped, as Cardinal does. The error is a read error only.
func ReadFacts(r io.Reader, s Settings, workers int, onBad func(*LineError)) ([]Facts, error) {
	workers = max(workers, 1)
	// A batch's lines share one buffer, reused once the batch is parsed:
	// the facts copy what they keep.
	type text struct {
		buf  []byte
		ends []int // where each line ends in buf
	}
	texts := sync.Pool{New: func() any { return &text{} }}
	type batch struct {
		seq   int
		first int // line number of the first line
		text  *text
		facts []Facts
		bad   []*LineError
	}
	const batchLines = 256
	in := make(chan *batch, workers)
	out := make(chan *batch, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			pool := map[string]string{}
			for b := range in {
				start := 0
				for i, end := range b.text.ends {
					l := b.text.buf[start:end]
					start = end
					if len(bytes.TrimSpace(l)) == 0 {
						continue
					}
					p, err := ParseRelease(l)
					if err != nil {
						b.bad = append(b.bad, &LineError{Line: b.first + i, Err: err})
						continue
					}
					f := Extract(p, s)
					f.intern(pool)
					b.facts = append(b.facts, f)
				}
				b.text.buf, b.text.ends = b.text.buf[:0], b.text.ends[:0]
				texts.Put(b.text)
				b.text = nil
				out <- b
			}
		})
	}

	var readErr error
	go func() {
		defer close(in)
		br := bufio.NewReaderSize(r, 1<<20)
		b := &batch{first: 1, text: texts.Get().(*text)}
		n, seq := 0, 0
		for {
			line, err := readLine(br)
			if len(line) > 0 || err == nil {
				n++
				b.text.buf = append(b.text.buf, line...)
				b.text.ends = append(b.text.ends, len(b.text.buf))
				if len(b.text.ends) == batchLines {
					in <- b
					seq++
					b = &batch{seq: seq, first: n + 1, text: texts.Get().(*text)}
				}
			}
			if err != nil {
				if !errors.Is(err, io.EOF) {
					readErr = err
				}
				break
			}
		}
		if len(b.text.ends) > 0 {
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
// The line is valid until the next read.
func readLine(br *bufio.Reader) ([]byte, error) {
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		return line, err
	}
}
