package tender

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
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
// A Calendar is immutable once built and safe for concurrent use. A nil
// *Calendar behaves as a plain Monday–Friday calendar.
type Calendar struct {
	// overrides maps a day to true (day off) or false (working day).
	overrides map[calendarDay]bool
}

//go:embed workdays_off.json
var workdaysOffJSON []byte

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := ParseCalendar(bytes.NewReader(workdaysOffJSON))
	if err != nil {
		panic("tender: embedded workdays_off.json: " + err.Error())
	}
	return c
})

// DefaultCalendar returns the calendar built from the embedded
// workdays_off.json. The same immutable *Calendar is returned on every call.
func DefaultCalendar() *Calendar {
	return defaultCalendar()
}

// NewCalendar builds a calendar from overrides: date "YYYY-MM-DD" -> true
// (day off) / false (working day, e.g. a working Saturday). The map is
// copied. It panics if a key is not a valid date; use ParseCalendar for
// untrusted input.
func NewCalendar(overrides map[string]bool) *Calendar {
	c, err := newCalendar(overrides)
	if err != nil {
		panic(err.Error())
	}
	return c
}

// ParseCalendar reads a JSON object {"YYYY-MM-DD": true|false, ...} with
// the same meaning as the NewCalendar overrides. An invalid date key yields
// an error naming that key.
func ParseCalendar(r io.Reader) (*Calendar, error) {
	dec := json.NewDecoder(r)
	var raw map[string]json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("tender: parse calendar: %w", err)
	}
	if raw == nil {
		return nil, errors.New("tender: parse calendar: expected a JSON object, got null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("tender: parse calendar: unexpected data after JSON object")
	}
	overrides := make(map[string]bool, len(raw))
	for k, v := range raw {
		var off bool
		if err := json.Unmarshal(v, &off); err != nil || string(v) == "null" {
			return nil, fmt.Errorf("tender: parse calendar: value of %q must be true or false, got %s", k, v)
		}
		overrides[k] = off
	}
	return newCalendar(overrides)
}

func newCalendar(overrides map[string]bool) (*Calendar, error) {
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic error for the first bad key

	c := &Calendar{overrides: make(map[calendarDay]bool, len(overrides))}
	for _, k := range keys {
		t, err := time.Parse(calendarDateLayout, k)
		if err != nil {
			return nil, fmt.Errorf("tender: calendar: invalid date key %q (want YYYY-MM-DD): %w", k, err)
		}
		c.overrides[calendarDayOf(t.Date())] = overrides[k]
	}
	return c, nil
}

// IsWorkingDay reports whether the Kyiv calendar day containing t is a
// working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	return c.isWorkingDate(t.In(Kyiv).Date())
}

// isWorkingDate reports whether the civil date y-m-d is a working day.
// Out-of-range m/d are normalised as time.Date does.
func (c *Calendar) isWorkingDate(y int, m time.Month, d int) bool {
	day := time.Date(y, m, d, 12, 0, 0, 0, time.UTC) // noon UTC: never DST-ambiguous
	y, m, d = day.Date()
	if c != nil {
		if off, ok := c.overrides[calendarDayOf(y, m, d)]; ok {
			return !off
		}
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
	for counted := 0; ; d++ {
		if c.isWorkingDate(y, m, d) {
			counted++
			if counted == days {
				return time.Date(y, m, d+1, 0, 0, 0, 0, Kyiv)
			}
		}
	}
}
