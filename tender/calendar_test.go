package tender_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/tender"
)

// holidays2026 is a calendar with pre-war public holidays around 2026, to test
// that listed days off are skipped (the shipped file, like ProZorro's, has none).
func holidays2026() *tender.Calendar {
	return tender.NewCalendar(map[string]bool{
		"2026-04-13": true, // Easter Monday
		"2026-08-24": true, // Independence Day
		"2026-12-25": true, // Christmas
		"2027-01-01": true, // New Year
	})
}

// calKyiv builds a Kyiv wall-clock time for tests.
func calKyiv(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, tender.Kyiv)
}

func TestCalendarKyivLocation(t *testing.T) {
	if tender.Kyiv == nil || tender.Kyiv.String() != "Europe/Kyiv" {
		t.Fatalf("Kyiv = %v, want Europe/Kyiv", tender.Kyiv)
	}
	// Summer +03:00, winter +02:00.
	if _, off := calKyiv(2026, time.July, 1, 12, 0).Zone(); off != 3*3600 {
		t.Errorf("July offset = %d, want +3h", off)
	}
	if _, off := calKyiv(2026, time.January, 1, 12, 0).Zone(); off != 2*3600 {
		t.Errorf("January offset = %d, want +2h", off)
	}
}

func TestIsWorkingDay(t *testing.T) {
	plain := tender.NewCalendar(nil)
	custom := tender.NewCalendar(map[string]bool{
		"2026-11-18": true,  // Wednesday off
		"2026-11-21": false, // working Saturday
	})
	def := tender.DefaultCalendar()
	hol := holidays2026()
	var nilCal *tender.Calendar
	var zeroCal tender.Calendar

	tests := []struct {
		name string
		cal  *tender.Calendar
		t    time.Time
		want bool
	}{
		{"monday", plain, calKyiv(2026, time.November, 16, 10, 0), true},
		{"friday", plain, calKyiv(2026, time.November, 20, 23, 59), true},
		{"saturday", plain, calKyiv(2026, time.November, 21, 0, 0), false},
		{"sunday", plain, calKyiv(2026, time.November, 22, 12, 0), false},
		{"nil calendar weekday", nilCal, calKyiv(2026, time.November, 18, 12, 0), true},
		{"nil calendar weekend", nilCal, calKyiv(2026, time.November, 21, 12, 0), false},
		{"zero calendar weekday", &zeroCal, calKyiv(2026, time.November, 18, 12, 0), true},
		{"zero calendar weekend", &zeroCal, calKyiv(2026, time.November, 21, 12, 0), false},
		{"override day off", custom, calKyiv(2026, time.November, 18, 12, 0), false},
		{"override working saturday", custom, calKyiv(2026, time.November, 21, 12, 0), true},
		{"override does not leak to sunday", custom, calKyiv(2026, time.November, 22, 12, 0), false},
		{"holiday independence day", hol, calKyiv(2026, time.August, 24, 12, 0), false},
		{"holiday day after independence day", hol, calKyiv(2026, time.August, 25, 12, 0), true},
		{"holiday new year 2027", hol, calKyiv(2027, time.January, 1, 12, 0), false},
		{"holiday easter monday 2026", hol, calKyiv(2026, time.April, 13, 12, 0), false},
		// Martial law: the default calendar, like ProZorro's, has no holidays after 2022.
		{"default independence day 2026 is a working day", def, calKyiv(2026, time.August, 24, 12, 0), true},
		{"default new year 2027 is a working day", def, calKyiv(2027, time.January, 1, 12, 0), true},
		{"default constitution day 2022 off", def, calKyiv(2022, time.June, 28, 12, 0), false},
		{"default working saturday 2022-07-02", def, calKyiv(2022, time.July, 2, 12, 0), true},
		// The Kyiv day decides, not the UTC day.
		{"UTC sunday evening is kyiv independence day", hol, time.Date(2026, time.August, 23, 22, 30, 0, 0, time.UTC), false},
		{"UTC independence day evening is kyiv tuesday", hol, time.Date(2026, time.August, 24, 21, 30, 0, 0, time.UTC), true},
		{"UTC friday evening is kyiv saturday", plain, time.Date(2026, time.November, 20, 22, 30, 0, 0, time.UTC), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkingDay(tt.t); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.t, got, tt.want)
			}
		})
	}
}

func TestAddDuration(t *testing.T) {
	plain := tender.NewCalendar(nil)
	def := tender.DefaultCalendar()
	hol := holidays2026()
	workingSat := tender.NewCalendar(map[string]bool{"2026-11-21": false})

	tests := []struct {
		name        string
		cal         *tender.Calendar
		start       time.Time
		days        int
		working     bool
		accelerator int
		want        time.Time
	}{
		// Working days: weekends skipped.
		{"brief example friday +2 working", plain, calKyiv(2026, time.November, 20, 14, 35), 2, true, 0, calKyiv(2026, time.November, 25, 0, 0)},
		{"monday noon +1 working", plain, calKyiv(2026, time.November, 16, 12, 0), 1, true, 0, calKyiv(2026, time.November, 18, 0, 0)},
		{"monday noon +5 working spans weekend", plain, calKyiv(2026, time.November, 16, 12, 0), 5, true, 0, calKyiv(2026, time.November, 24, 0, 0)},
		{"saturday noon +1 working", plain, calKyiv(2026, time.November, 21, 12, 0), 1, true, 0, calKyiv(2026, time.November, 24, 0, 0)},
		// Holidays skipped (Mon 2026-08-24 is off in hol).
		{"friday before independence day +1 working", hol, calKyiv(2026, time.August, 21, 10, 0), 1, true, 0, calKyiv(2026, time.August, 26, 0, 0)},
		{"same without holidays", plain, calKyiv(2026, time.August, 21, 10, 0), 1, true, 0, calKyiv(2026, time.August, 25, 0, 0)},
		{"christmas and new year 2026/27", hol, calKyiv(2026, time.December, 24, 9, 0), 5, true, 0, calKyiv(2027, time.January, 5, 0, 0)},
		// The default calendar follows ProZorro: no holidays under martial law.
		{"default: independence day counted", def, calKyiv(2026, time.August, 21, 10, 0), 1, true, 0, calKyiv(2026, time.August, 25, 0, 0)},
		{"default: christmas and new year counted", def, calKyiv(2026, time.December, 24, 9, 0), 5, true, 0, calKyiv(2027, time.January, 1, 0, 0)},
		{"default: 2022 holidays skipped", def, calKyiv(2022, time.June, 24, 10, 0), 1, true, 0, calKyiv(2022, time.June, 30, 0, 0)},
		// Working weekend override counted.
		{"working saturday counted", workingSat, calKyiv(2026, time.November, 20, 14, 35), 2, true, 0, calKyiv(2026, time.November, 24, 0, 0)},
		{"working saturday counted as first day", workingSat, calKyiv(2026, time.November, 20, 14, 35), 1, true, 0, calKyiv(2026, time.November, 22, 0, 0)},
		// Calendar days.
		{"brief example +10 calendar", plain, calKyiv(2026, time.November, 5, 14, 35), 10, false, 0, calKyiv(2026, time.November, 16, 0, 0)},
		{"calendar days ignore holidays", hol, calKyiv(2026, time.August, 23, 10, 0), 1, false, 0, calKyiv(2026, time.August, 25, 0, 0)},
		{"calendar days cross year end", plain, calKyiv(2026, time.December, 30, 8, 0), 3, false, 0, calKyiv(2027, time.January, 3, 0, 0)},
		// Normalisation.
		{"zero days normalises", plain, calKyiv(2026, time.November, 20, 14, 35), 0, true, 0, calKyiv(2026, time.November, 21, 0, 0)},
		{"zero days calendar normalises", plain, calKyiv(2026, time.November, 20, 0, 1), 0, false, 0, calKyiv(2026, time.November, 21, 0, 0)},
		{"one nanosecond past midnight moves", plain, calKyiv(2026, time.November, 20, 0, 0).Add(time.Nanosecond), 0, false, 0, calKyiv(2026, time.November, 21, 0, 0)},
		{"UTC input normalised on kyiv day", plain, time.Date(2026, time.November, 19, 22, 30, 0, 0, time.UTC), 1, false, 0, calKyiv(2026, time.November, 22, 0, 0)},
		// Exact-midnight start not moved.
		{"midnight zero days", plain, calKyiv(2026, time.November, 20, 0, 0), 0, true, 0, calKyiv(2026, time.November, 20, 0, 0)},
		{"midnight +10 calendar", plain, calKyiv(2026, time.November, 5, 0, 0), 10, false, 0, calKyiv(2026, time.November, 15, 0, 0)},
		{"midnight friday +1 working counts friday", plain, calKyiv(2026, time.November, 20, 0, 0), 1, true, 0, calKyiv(2026, time.November, 21, 0, 0)},
		{"kyiv midnight given in UTC not moved", plain, time.Date(2026, time.November, 19, 22, 0, 0, 0, time.UTC), 1, true, 0, calKyiv(2026, time.November, 21, 0, 0)},
		// DST: Kyiv springs forward Sun 2026-03-29 03:00 and falls back Sun 2026-10-25 04:00.
		{"spring DST calendar days", plain, calKyiv(2026, time.March, 27, 10, 0), 3, false, 0, calKyiv(2026, time.March, 31, 0, 0)},
		{"spring DST working days", plain, calKyiv(2026, time.March, 26, 10, 0), 2, true, 0, calKyiv(2026, time.March, 31, 0, 0)},
		{"spring DST from midnight", plain, calKyiv(2026, time.March, 28, 0, 0), 7, false, 0, calKyiv(2026, time.April, 4, 0, 0)},
		{"autumn DST calendar days", plain, calKyiv(2026, time.October, 23, 10, 0), 3, false, 0, calKyiv(2026, time.October, 27, 0, 0)},
		{"autumn DST working days", plain, calKyiv(2026, time.October, 23, 12, 0), 1, true, 0, calKyiv(2026, time.October, 27, 0, 0)},
		{"autumn DST normalise on transition day", plain, calKyiv(2026, time.October, 25, 3, 30), 0, false, 0, calKyiv(2026, time.October, 26, 0, 0)},
		// Accelerator: exact division, no normalisation, working = calendar.
		{"accelerator 1440 turns days into minutes", def, calKyiv(2026, time.November, 20, 14, 35), 30, true, 1440, calKyiv(2026, time.November, 20, 15, 5)},
		{"accelerator calendar days", plain, calKyiv(2026, time.November, 20, 14, 35), 30, false, 1440, calKyiv(2026, time.November, 20, 15, 5)},
		{"accelerator truncates nanoseconds", plain, calKyiv(2026, time.November, 20, 14, 35), 1, false, 7, calKyiv(2026, time.November, 20, 14, 35).Add(12342857142857)},
		{"accelerator zero days", plain, calKyiv(2026, time.November, 20, 14, 35), 0, true, 1440, calKyiv(2026, time.November, 20, 14, 35)},
		{"accelerator 1 is real time", plain, calKyiv(2026, time.November, 20, 14, 35), 2, true, 1, calKyiv(2026, time.November, 25, 0, 0)},
		{"accelerator 0 is real time", plain, calKyiv(2026, time.November, 20, 14, 35), 2, false, 0, calKyiv(2026, time.November, 23, 0, 0)},
		// Negative days: start returned unchanged.
		{"negative days unchanged", plain, calKyiv(2026, time.November, 20, 14, 35), -3, true, 0, calKyiv(2026, time.November, 20, 14, 35)},
		{"nil calendar working days", nil, calKyiv(2026, time.November, 20, 14, 35), 2, true, 0, calKyiv(2026, time.November, 25, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddDuration(tt.start, tt.days, tt.working, tt.accelerator)
			if !got.Equal(tt.want) {
				t.Errorf("AddDuration(%v, %d, %v, %d) = %v, want %v",
					tt.start, tt.days, tt.working, tt.accelerator, got, tt.want)
			}
			if got.Location() != tender.Kyiv {
				t.Errorf("result location = %v, want Europe/Kyiv", got.Location())
			}
			if tt.accelerator <= 1 && tt.days >= 0 {
				if h, m, s := got.Clock(); h != 0 || m != 0 || s != 0 || got.Nanosecond() != 0 {
					t.Errorf("result %v is not 00:00 Kyiv", got)
				}
			}
		})
	}
}

// The DST weeks are 71h / 73h long in absolute time, yet still land on midnight.
func TestAddDurationDSTElapsed(t *testing.T) {
	cal := tender.NewCalendar(nil)
	tests := []struct {
		name  string
		start time.Time
		want  time.Duration
	}{
		{"spring forward", calKyiv(2026, time.March, 28, 0, 0), 7*24*time.Hour - time.Hour},
		{"fall back", calKyiv(2026, time.October, 24, 0, 0), 7*24*time.Hour + time.Hour},
		{"no transition", calKyiv(2026, time.November, 7, 0, 0), 7 * 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := cal.AddDuration(tt.start, 7, false, 0)
			if got := end.Sub(tt.start); got != tt.want {
				t.Errorf("elapsed = %v, want %v (end %v)", got, tt.want, end)
			}
		})
	}
}

func TestAddDurationAcceleratorExact(t *testing.T) {
	cal := tender.DefaultCalendar()
	start := time.Date(2026, time.March, 28, 23, 59, 59, 123456789, time.UTC)
	tests := []struct {
		days, accelerator int
	}{
		{1, 2}, {1, 3}, {7, 1440}, {10, 7}, {30, 86400}, {365, 13},
	}
	for _, tt := range tests {
		got := cal.AddDuration(start, tt.days, true, tt.accelerator)
		want := time.Duration(tt.days) * 24 * time.Hour / time.Duration(tt.accelerator)
		if d := got.Sub(start); d != want {
			t.Errorf("days=%d accelerator=%d: elapsed %v (%d ns), want %d ns", tt.days, tt.accelerator, d, d, want)
		}
	}
}

func TestParseCalendar(t *testing.T) {
	cal, err := tender.ParseCalendar(strings.NewReader(`{"2026-11-18": true, "2026-11-21": false}` + "\n"))
	if err != nil {
		t.Fatalf("ParseCalendar: %v", err)
	}
	if cal.IsWorkingDay(calKyiv(2026, time.November, 18, 12, 0)) {
		t.Error("2026-11-18 should be a day off")
	}
	if !cal.IsWorkingDay(calKyiv(2026, time.November, 21, 12, 0)) {
		t.Error("2026-11-21 should be a working Saturday")
	}

	empty, err := tender.ParseCalendar(strings.NewReader(`{}`))
	if err != nil {
		t.Fatalf("ParseCalendar({}): %v", err)
	}
	if !empty.IsWorkingDay(calKyiv(2026, time.August, 24, 12, 0)) {
		t.Error("empty calendar: Monday should be a working day")
	}
}

func TestParseCalendarErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantSub string // the error must contain this
	}{
		{"impossible date", `{"2026-01-01": true, "2026-02-30": true}`, `"2026-02-30"`},
		{"short year", `{"26-01-01": true}`, `"26-01-01"`},
		{"unpadded month", `{"2026-1-01": true}`, `"2026-1-01"`},
		{"trailing space", `{"2026-01-01 ": true}`, `"2026-01-01 "`},
		{"not a date", `{"holiday": true}`, `"holiday"`},
		{"datetime", `{"2026-01-01T00:00:00": true}`, `"2026-01-01T00:00:00"`},
		{"non-bool value", `{"2026-01-01": "yes"}`, `"2026-01-01"`},
		{"null value", `{"2026-01-01": null}`, `"2026-01-01"`},
		{"array", `["2026-01-01"]`, "tender: parse calendar"},
		{"null", `null`, "null"},
		{"malformed", `{"2026-01-01": true`, "tender: parse calendar"},
		{"trailing data", `{"2026-01-01": true} {}`, "after JSON object"},
		{"empty input", ``, "tender: parse calendar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal, err := tender.ParseCalendar(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseCalendar(%s) = %v, want error", tt.in, cal)
			}
			if !strings.Contains(err.Error(), tt.wantSub) {
				t.Errorf("error %q does not contain %q", err, tt.wantSub)
			}
		})
	}
}

func TestNewCalendarPanicsOnBadKey(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil {
			t.Fatal("NewCalendar with a bad key did not panic")
		}
		if s, _ := r.(string); !strings.Contains(s, `"2026-13-01"`) {
			t.Errorf("panic %v does not name the key", r)
		}
	}()
	tender.NewCalendar(map[string]bool{"2026-13-01": true})
}

func TestNewCalendarCopiesMap(t *testing.T) {
	m := map[string]bool{"2026-11-18": true}
	cal := tender.NewCalendar(m)
	m["2026-11-18"] = false
	m["2026-11-19"] = true
	if cal.IsWorkingDay(calKyiv(2026, time.November, 18, 12, 0)) {
		t.Error("mutating the input map changed the calendar (18th)")
	}
	if !cal.IsWorkingDay(calKyiv(2026, time.November, 19, 12, 0)) {
		t.Error("mutating the input map changed the calendar (19th)")
	}
}

func TestDefaultCalendar(t *testing.T) {
	def := tender.DefaultCalendar()
	if def == nil {
		t.Fatal("DefaultCalendar returned nil")
	}
	// Parity with ProzorroUKR/standards: holidays up to 2022-06-28, none since
	// (martial law), and the working Saturdays of weekends_on.json.
	for _, tt := range []struct {
		day     time.Time
		working bool
	}{
		{calKyiv(2015, time.May, 1, 12, 0), false}, // first entry
		{calKyiv(2021, time.August, 24, 12, 0), false},
		{calKyiv(2022, time.March, 8, 12, 0), false},
		{calKyiv(2022, time.June, 28, 12, 0), false},   // last day off
		{calKyiv(2016, time.January, 16, 12, 0), true}, // working Saturday
		{calKyiv(2022, time.July, 2, 12, 0), true},     // last working Saturday
		{calKyiv(2022, time.August, 24, 12, 0), true},  // dropped by ProZorro in July 2022
		{calKyiv(2025, time.January, 1, 12, 0), true},
		{calKyiv(2025, time.July, 15, 12, 0), true},
		{calKyiv(2026, time.June, 1, 12, 0), true},
		{calKyiv(2026, time.August, 24, 12, 0), true},
		{calKyiv(2026, time.October, 1, 12, 0), true},
		{calKyiv(2027, time.May, 3, 12, 0), true},
	} {
		if got := def.IsWorkingDay(tt.day); got != tt.working {
			t.Errorf("DefaultCalendar: %s working = %v, want %v", tt.day.Format("2006-01-02"), got, tt.working)
		}
	}
}

// Each DefaultCalendar is its own: reloading one leaves the others alone.
func TestDefaultCalendarIndependent(t *testing.T) {
	a, b := tender.DefaultCalendar(), tender.DefaultCalendar()
	if a == b {
		t.Fatal("DefaultCalendar returned the same *Calendar twice")
	}
	day := calKyiv(2026, time.August, 24, 12, 0)
	if err := a.Reload(strings.NewReader(`{"2026-08-24": true}`)); err != nil {
		t.Fatal(err)
	}
	if a.IsWorkingDay(day) {
		t.Error("reloaded calendar: 2026-08-24 should be a day off")
	}
	if !b.IsWorkingDay(day) || !tender.DefaultCalendar().IsWorkingDay(day) {
		t.Error("reloading one default calendar changed another")
	}
}

// The embedded file is the one DefaultCalendar uses, and it parses.
func TestDefaultCalendarFileParses(t *testing.T) {
	f, err := os.Open("workdays_off.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cal, err := tender.ParseCalendar(f)
	if err != nil {
		t.Fatalf("workdays_off.json: %v", err)
	}
	def := tender.DefaultCalendar()
	for d := calKyiv(2015, time.January, 1, 12, 0); d.Year() < 2028; d = d.AddDate(0, 0, 1) {
		if cal.IsWorkingDay(d) != def.IsWorkingDay(d) {
			t.Fatalf("%s: file and DefaultCalendar disagree", d.Format("2006-01-02"))
		}
	}
}

// workdays_off.json must stay a small, sorted object of valid dates.
func TestDefaultCalendarFileSorted(t *testing.T) {
	data, err := os.ReadFile("workdays_off.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("first token = %v, %v; want {", tok, err)
	}
	prev := ""
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		key := tok.(string)
		var v bool
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if _, err := time.Parse("2006-01-02", key); err != nil {
			t.Errorf("invalid key %q: %v", key, err)
		}
		if key <= prev {
			t.Errorf("key %q not strictly after %q", key, prev)
		}
		prev = key
		n++
	}
	if n == 0 || n > 500 {
		t.Errorf("workdays_off.json has %d entries, want a small non-empty list", n)
	}
}

// A reload is seen through the same *Calendar, as held by a Service.
func TestCalendarReloadSamePointer(t *testing.T) {
	cal := tender.NewCalendar(nil)
	svc := &tender.Service{Calendar: cal}
	start := calKyiv(2026, time.November, 20, 14, 35) // Friday
	if got, want := svc.Calendar.AddDuration(start, 2, true, 0), calKyiv(2026, time.November, 25, 0, 0); !got.Equal(want) {
		t.Fatalf("before reload: %v, want %v", got, want)
	}
	if err := cal.Reload(strings.NewReader(`{"2026-11-23": true, "2026-11-24": true}`)); err != nil {
		t.Fatal(err)
	}
	// Monday 23 and Tuesday 24 are now off: Wednesday, Thursday.
	if got, want := svc.Calendar.AddDuration(start, 2, true, 0), calKyiv(2026, time.November, 27, 0, 0); !got.Equal(want) {
		t.Errorf("after reload: %v, want %v", got, want)
	}
	if svc.Calendar.IsWorkingDay(calKyiv(2026, time.November, 23, 12, 0)) {
		t.Error("after reload: 2026-11-23 should be a day off")
	}
	if err := cal.Reload(strings.NewReader(`{}`)); err != nil {
		t.Fatal(err)
	}
	if got, want := svc.Calendar.AddDuration(start, 2, true, 0), calKyiv(2026, time.November, 25, 0, 0); !got.Equal(want) {
		t.Errorf("after reload to empty: %v, want %v", got, want)
	}
	if !svc.Calendar.IsWorkingDay(calKyiv(2026, time.November, 23, 12, 0)) {
		t.Error("after reload to empty: 2026-11-23 should be a working day")
	}
}

// A bad file changes nothing, and the error says where the problem is.
func TestCalendarReloadBadFileKeepsOld(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantSub string
	}{
		{"bad key", `{"2026-11-19": true, "2026-11-31": true}`, `"2026-11-31"`},
		{"bad value", `{"2026-11-19": "off"}`, `"2026-11-19"`},
		{"syntax error on line 3", "{\n  \"2026-11-19\": true,\n  \"2026-11-20\" true\n}", "line 3"},
		{"list instead of object", "[\n  \"2026-11-19\"\n]", "line 1"},
		{"trailing data on line 2", "{\"2026-11-19\": true}\n{}", "line 2"},
		{"null", `null`, "null"},
		{"empty", ``, "reload calendar"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cal := tender.NewCalendar(map[string]bool{"2026-11-18": true})
			err := cal.Reload(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("Reload succeeded, want error")
			}
			if !strings.Contains(err.Error(), tt.wantSub) {
				t.Errorf("error %q does not contain %q", err, tt.wantSub)
			}
			if cal.IsWorkingDay(calKyiv(2026, time.November, 18, 12, 0)) {
				t.Error("old day off lost after a failed reload")
			}
			if !cal.IsWorkingDay(calKyiv(2026, time.November, 19, 12, 0)) {
				t.Error("failed reload applied part of the new file")
			}
		})
	}
}

func TestCalendarReloadNil(t *testing.T) {
	var cal *tender.Calendar
	if err := cal.Reload(strings.NewReader(`{}`)); err == nil {
		t.Error("Reload on a nil *Calendar succeeded")
	}
	var zero tender.Calendar
	if err := zero.Reload(strings.NewReader(`{"2026-11-18": true}`)); err != nil {
		t.Fatal(err)
	}
	if zero.IsWorkingDay(calKyiv(2026, time.November, 18, 12, 0)) {
		t.Error("zero Calendar: reload not applied")
	}
}

func TestLoadCalendarFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	writeFile(t, good, `{"2026-11-18": true}`)
	writeFile(t, bad, "{\n  \"2026-02-30\": true\n}")

	cal, err := tender.LoadCalendarFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if cal.IsWorkingDay(calKyiv(2026, time.November, 18, 12, 0)) {
		t.Error("2026-11-18 should be a day off")
	}
	if _, err := tender.LoadCalendarFile(bad); err == nil || !strings.Contains(err.Error(), `"2026-02-30"`) || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad file: err = %v, want it to name the file and the key", err)
	}
	if _, err := tender.LoadCalendarFile(filepath.Join(dir, "missing.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist", err)
	}
}

// Readers running while the calendar is reloaded see one table or the other,
// never a torn one (and -race sees no data race).
func TestCalendarConcurrentReload(t *testing.T) {
	const (
		offA = `{"2026-11-23": true, "2026-11-24": true}`
		offB = `{"2026-11-21": false}`
	)
	start := calKyiv(2026, time.November, 20, 14, 35)
	wantA := tender.NewCalendar(map[string]bool{"2026-11-23": true, "2026-11-24": true}).AddDuration(start, 3, true, 0)
	wantB := tender.NewCalendar(map[string]bool{"2026-11-21": false}).AddDuration(start, 3, true, 0)
	if wantA.Equal(wantB) {
		t.Fatal("test tables must give different results")
	}

	cal := tender.NewCalendar(nil)
	if err := cal.Reload(strings.NewReader(offA)); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var torn atomic.Int64
	for range 8 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if got := cal.AddDuration(start, 3, true, 0); !got.Equal(wantA) && !got.Equal(wantB) {
					torn.Add(1)
				}
				cal.IsWorkingDay(calKyiv(2026, time.November, 23, 12, 0))
			}
		})
	}
	for i := range 500 {
		in := offA
		if i%2 == 0 {
			in = offB
		}
		if err := cal.Reload(strings.NewReader(in)); err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			_ = cal.Reload(strings.NewReader(`{"bad": true}`)) // failed reloads mixed in
		}
	}
	close(stop)
	wg.Wait()
	if n := torn.Load(); n > 0 {
		t.Errorf("%d AddDuration results matched neither calendar", n)
	}
}

// WatchFile picks up an in-place rewrite and a rename over the file, logs and
// ignores a bad version, and stops with its context.
func TestCalendarWatchFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "workdays_off.json")
	writeFile(t, path, `{"2026-11-18": true}`)
	cal, err := tender.LoadCalendarFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		cal.WatchFile(ctx, path, 5*time.Millisecond, log)
	}()
	defer func() {
		cancel()
		<-done
	}()

	wed, thu := calKyiv(2026, time.November, 18, 12, 0), calKyiv(2026, time.November, 19, 12, 0)
	eventually := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; log:\n%s", what, logs.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	// In-place rewrite (a different size, so even a coarse mtime shows it).
	writeFile(t, path, `{"2026-11-19": true, "2026-11-21": false}`)
	eventually("the rewrite", func() bool { return cal.IsWorkingDay(wed) && !cal.IsWorkingDay(thu) })
	eventually("the reload log", func() bool { return strings.Contains(logs.String(), "calendar reloaded") })

	// A bad version is logged and changes nothing.
	writeFile(t, path, `{"2026-11-31": true}`)
	eventually("the failure log", func() bool { return strings.Contains(logs.String(), "2026-11-31") })
	if !cal.IsWorkingDay(wed) || cal.IsWorkingDay(thu) {
		t.Error("a bad file changed the calendar")
	}

	// An atomic replace (write elsewhere, rename over) is picked up too.
	tmp := filepath.Join(dir, "new.json")
	writeFile(t, tmp, `{"2026-11-18": true, "2026-11-19": true}`)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	eventually("the renamed file", func() bool { return !cal.IsWorkingDay(wed) && !cal.IsWorkingDay(thu) })

	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("WatchFile did not return after cancel")
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
