package tender

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Kyiv must resolve even without system tzdata.
)

// Kyiv is the Europe/Kyiv location every procurement period is computed in.
var Kyiv *time.Location

func init() {
	loc, err := time.LoadLocation("Europe/Kyiv")
	if err != nil {
		panic("tender: cannot load Europe/Kyiv time zone: " + err.Error())
	}
	Kyiv = loc
}

// calendarDateLayout is the layout of calendar override keys.
const calendarDateLayout = "2006-01-02"

// calendarDay identifies a civil date as year*10000 + month*100 + day.
type calendarDay int32

func calendarDayOf(y int, m time.Month, d int) calendarDay {
	return calendarDay(y*10000 + int(m)*100 + d)
}

// Calendar knows which days are working days: Monday–Friday, except
// listed days off; plus listed working weekends.
//
// A Calendar is safe for concurrent use. Its override table is immutable and
// is swapped as a whole by Reload, so a *Calendar shared by a Service sees a
// reload at once, while each IsWorkingDay or AddDuration call works on one
// table from start to end. A nil *Calendar, or a zero Calendar, behaves as a
// plain Monday–Friday calendar.
type Calendar struct {
	table atomic.Pointer[overrideTable]
}

// overrideTable maps a day to true (day off) or false (working day). It is
// never modified once stored in a Calendar.
type overrideTable map[calendarDay]bool

// The shipped workdays_off.json is ProZorro's own calendar, merged into one
// object: ProzorroUKR/standards calendars/workdays_off.json as true and
// calendars/weekends_on.json as false, the way openprocurement's WORKING_DAYS
// is built from them. Deadlines here therefore end where ProZorro's do. Under
// martial law (since 24 February 2022) Law 2136-IX makes public holidays
// ordinary working days, and ProZorro lists no day off after 2022-06-28
// (standards commit ca10d7b, July 2022, "No holidays this year"): Independence
// Day, Christmas and the rest count as working days. When that changes, edit
// the file (or point calendar_file at a copy) and reload.
//
//go:embed workdays_off.json
var workdaysOffJSON []byte

var defaultTable = sync.OnceValue(func() overrideTable {
	t, err := parseOverrides(workdaysOffJSON)
	if err != nil {
		panic("tender: embedded workdays_off.json: " + err.Error())
	}
	return t
})

// DefaultCalendar returns a new calendar built from the embedded
// workdays_off.json (parsed once). Each call returns a distinct *Calendar, so
// reloading one never changes another.
func DefaultCalendar() *Calendar {
	return calendarOf(defaultTable())
}

func calendarOf(t overrideTable) *Calendar {
	c := new(Calendar)
	c.table.Store(&t)
	return c
}

// NewCalendar builds a calendar from overrides: date "YYYY-MM-DD" -> true
// (day off) / false (working day, e.g. a working Saturday). The map is
// copied. It panics if a key is not a valid date; use ParseCalendar for
// untrusted input.
func NewCalendar(overrides map[string]bool) *Calendar {
	t, err := newOverrideTable(overrides)
	if err != nil {
		panic("tender: calendar: " + err.Error())
	}
	return calendarOf(t)
}

// ParseCalendar reads a JSON object {"YYYY-MM-DD": true|false, ...} with
// the same meaning as the NewCalendar overrides. An invalid date key yields
// an error naming that key; malformed JSON an error naming its line.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("tender: parse calendar: %w", err)
	}
	t, err := parseOverrides(data)
	if err != nil {
		return nil, fmt.Errorf("tender: parse calendar: %w", err)
	}
	return calendarOf(t), nil
}

// LoadCalendarFile reads a calendar from the JSON file at path, in the
// format of ParseCalendar.
func LoadCalendarFile(path string) (*Calendar, error) {
	t, err := readOverrideFile(path)
	if err != nil {
		return nil, err
	}
	return calendarOf(t), nil
}

// Reload replaces c's overrides with those read from r, in the format of
// ParseCalendar. Readers see either the old table or the new one, never a
// mix. If r does not hold a valid calendar, c is left unchanged and the
// error names the bad key or line.
func (c *Calendar) Reload(r io.Reader) error {
	if c == nil {
		return errors.New("tender: reload calendar: nil *Calendar")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("tender: reload calendar: %w", err)
	}
	t, err := parseOverrides(data)
	if err != nil {
		return fmt.Errorf("tender: reload calendar: %w", err)
	}
	c.table.Store(&t)
	return nil
}

// WatchFile reloads c from the file at path whenever the file's size,
// modification time or identity (a rename over it) changes, checking every
// interval (10 s if every <= 0), until ctx ends. The first check always reads
// the file, so a change made between loading c and starting WatchFile is not
// missed. A reload that changes the calendar is logged at Info; a file that
// cannot be read or parsed is logged once per version at Error and leaves the
// calendar as it was. WatchFile blocks: run it in its own goroutine.
func (c *Calendar) WatchFile(ctx context.Context, path string, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = 10 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if c == nil {
		log.Error("calendar: WatchFile on a nil *Calendar", "file", path)
		return
	}
	w := &fileWatch{cal: c, path: path, log: log}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			w.check()
		}
	}
}

// fileWatch is the state of one WatchFile loop.
type fileWatch struct {
	cal     *Calendar
	path    string
	log     *slog.Logger
	last    os.FileInfo // the file as last seen; nil if it could not be read
	lastErr string      // the last failure logged, so it is logged once
}

// check reloads the calendar if the file changed since the last check.
func (w *fileWatch) check() {
	fi, err := os.Stat(w.path)
	if err != nil {
		w.last = nil
		w.fail(err)
		return
	}
	if w.last != nil && os.SameFile(w.last, fi) && fi.ModTime().Equal(w.last.ModTime()) && fi.Size() == w.last.Size() {
		return
	}
	w.last, w.lastErr = fi, "" // a new version of the file: report its problems afresh
	t, err := readOverrideFile(w.path)
	if err != nil {
		w.fail(err)
		return
	}
	if maps.Equal(t, w.cal.overrides()) {
		w.log.Debug("calendar file touched, content unchanged", "file", w.path)
		return
	}
	w.cal.table.Store(&t)
	w.log.Info("calendar reloaded", "file", w.path, "overrides", len(t))
}

func (w *fileWatch) fail(err error) {
	if msg := err.Error(); msg != w.lastErr {
		w.lastErr = msg
		w.log.Error("calendar reload failed; keeping the current calendar", "file", w.path, "err", err)
	}
}

func readOverrideFile(path string) (overrideTable, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tender: calendar file: %w", err)
	}
	t, err := parseOverrides(data)
	if err != nil {
		return nil, fmt.Errorf("tender: calendar file %s: %w", path, err)
	}
	return t, nil
}

// parseOverrides parses a JSON object {"YYYY-MM-DD": true|false, ...}.
func parseOverrides(data []byte) (overrideTable, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(data, err)
	}
	if raw == nil {
		return nil, errors.New("expected a JSON object, got null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("line %d: unexpected data after JSON object", lineOf(data, dec.InputOffset()))
	}
	overrides := make(map[string]bool, len(raw))
	for k, v := range raw {
		var off bool
		if err := json.Unmarshal(v, &off); err != nil || string(v) == "null" {
			return nil, fmt.Errorf("value of %q must be true or false, got %s", k, v)
		}
		overrides[k] = off
	}
	return newOverrideTable(overrides)
}

// jsonError says where in data a JSON decoding error is.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return errors.New("empty input, expected a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("line %d: unexpected end of input", lineOf(data, int64(len(data))))
	case errors.As(err, &syn):
		return fmt.Errorf("line %d: %w", lineOf(data, syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: expected a JSON object {\"YYYY-MM-DD\": true|false, ...}, got %s", lineOf(data, typ.Offset), typ.Value)
	}
	return err
}

// lineOf returns the 1-based line of byte offset off in data.
func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func newOverrideTable(overrides map[string]bool) (overrideTable, error) {
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic error for the first bad key

	t := make(overrideTable, len(overrides))
	for _, k := range keys {
		d, err := time.Parse(calendarDateLayout, k)
		if err != nil {
			return nil, fmt.Errorf("invalid date key %q (want YYYY-MM-DD): %w", k, err)
		}
		t[calendarDayOf(d.Date())] = overrides[k]
	}
	return t, nil
}

// overrides returns the current override table; nil for a nil or zero
// Calendar. Callers load it once per operation.
func (c *Calendar) overrides() overrideTable {
	if c == nil {
		return nil
	}
	if p := c.table.Load(); p != nil {
		return *p
	}
	return nil
}

// IsWorkingDay reports whether the Kyiv calendar day containing t is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.overrides().isWorkingDate(t.In(Kyiv).Date())
}

// isWorkingDate reports whether the civil date y-m-d is a working day.
// Out-of-range m/d are normalised as time.Date does.
func (t overrideTable) isWorkingDate(y int, m time.Month, d int) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, time.UTC) // noon UTC: never DST-ambiguous
	y, m, d = day.Date()
	if off, ok := t[calendarDayOf(y, m, d)]; ok {
		return !off
	}
	wd := day.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddDuration computes a period end the way ProZorro's
// calculate_tender_full_date does. All arithmetic happens in Kyiv time and
// the result is returned in the Kyiv location.
//
//   - accelerator > 1 (sandbox): the result is exactly
//     start + days*24h/accelerator (integer nanoseconds, truncated), without
//     midnight normalisation; working days are treated as calendar days.
//   - otherwise start is normalised: unless it is exactly 00:00 Kyiv, it is
//     moved to 00:00 of the following Kyiv day. days == 0 returns the
//     normalised start. For calendar days the result is the normalised start
//     plus days civil days (still 00:00 Kyiv across DST changes). For
//     working days, days are walked forward from the normalised day, counting
//     working days; the result is 00:00 Kyiv at the end of the last counted
//     day (i.e. the start of the next day).
//
// Negative days are not supported: start is returned unchanged (as the same
// instant, in the Kyiv location).
func (c *Calendar) AddDuration(start time.Time, days int, workingDays bool, accelerator int) time.Time {
	start = start.In(Kyiv)
	if days < 0 {
		return start
	}
	if accelerator > 1 {
		return start.Add(time.Duration(days) * 24 * time.Hour / time.Duration(accelerator))
	}

	y, m, d := start.Date()
	if !start.Equal(time.Date(y, m, d, 0, 0, 0, 0, Kyiv)) {
		d++
	}
	if days == 0 {
		return time.Date(y, m, d, 0, 0, 0, 0, Kyiv)
	}
	if !workingDays {
		return time.Date(y, m, d+days, 0, 0, 0, 0, Kyiv)
	}
	table := c.overrides() // one table for the whole walk, even across a Reload
	for counted := 0; ; d++ {
		if table.isWorkingDate(y, m, d) {
			counted++
			if counted == days {
				return time.Date(y, m, d+1, 0, 0, 0, 0, Kyiv)
			}
		}
	}
}
