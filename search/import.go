package search

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
)

// ImportReport says what Import did.
type ImportReport struct {
	Processes int      // contracting processes indexed
	Releases  int      // releases read (compiled ones included)
	Skipped   []string // what could not be used, and why
}

// Import reads another publisher's OCDS data from r — release packages,
// record packages, or bare releases, one JSON value after another (a single
// package, or JSON Lines) — compiles each contracting process, and writes
// its documents, flagged by risk (nil: no flags), to w. Processes are keyed
// by ocid, so they never collide with this engine's own tenders; source
// names the publisher in every document.
func Import(ctx context.Context, r io.Reader, source string, w Writer, risk *Risk) (ImportReport, error) {
	var rep ImportReport
	m, err := ocds.Merger()
	if err != nil {
		return rep, err
	}
	groups := map[string][]json.RawMessage{}
	compiled := map[string]json.RawMessage{}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	for n := 1; ; n++ {
		var v map[string]json.RawMessage
		if err := dec.Decode(&v); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return rep, fmt.Errorf("value %d: %w", n, err)
		}
		switch {
		case v["releases"] != nil && v["ocid"] == nil: // a release package
			var rs []json.RawMessage
			if err := json.Unmarshal(v["releases"], &rs); err != nil {
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("value %d: releases: %v", n, err))
				continue
			}
			for _, raw := range rs {
				rep.Releases++
				addRelease(raw, groups, compiled, &rep)
			}
		case v["records"] != nil:
			var recs []struct {
				OCID            string            `json:"ocid"`
				CompiledRelease json.RawMessage   `json:"compiledRelease"`
				Releases        []json.RawMessage `json:"releases"`
			}
			if err := json.Unmarshal(v["records"], &recs); err != nil {
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("value %d: records: %v", n, err))
				continue
			}
			for _, rec := range recs {
				rep.Releases += len(rec.Releases)
				if len(rec.CompiledRelease) > 0 && string(rec.CompiledRelease) != "null" {
					compiled[rec.OCID] = rec.CompiledRelease
					continue
				}
				for _, raw := range rec.Releases {
					addRelease(raw, groups, compiled, &rep)
				}
			}
		case v["ocid"] != nil: // a bare release or compiled release
			raw, _ := json.Marshal(v)
			rep.Releases++
			addRelease(raw, groups, compiled, &rep)
		default:
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("value %d: neither a package nor a release", n))
		}
	}
	for ocid, rs := range groups {
		if _, ok := compiled[ocid]; ok {
			continue
		}
		sortByDate(rs)
		c, err := m.Compile(rs)
		if err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %v", ocid, err))
			continue
		}
		compiled[ocid] = c
	}
	ocids := make([]string, 0, len(compiled))
	for o := range compiled {
		ocids = append(ocids, o)
	}
	sort.Strings(ocids)
	var tds, cds []Doc
	flush := func() error {
		if len(tds) > 0 {
			if err := w.Put(ctx, Tenders, tds); err != nil {
				return err
			}
		}
		if len(cds) > 0 {
			if err := w.Put(ctx, Contracts, cds); err != nil {
				return err
			}
		}
		tds, cds = tds[:0], cds[:0]
		return nil
	}
	for _, ocid := range ocids {
		raw := compiled[ocid]
		rel, err := decodeRelease(raw)
		if err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %v", ocid, err))
			continue
		}
		d, cs := FromRelease(rel, source)
		if risk != nil {
			a, err := risk.AssessJSON(ctx, raw)
			if err != nil {
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: red flags: %v", ocid, err))
			} else if err := a.Apply(d, cs); err != nil {
				return rep, err
			}
		}
		tds = append(tds, TenderDocument(d))
		for _, c := range cs {
			cds = append(cds, ContractDocument(c))
		}
		rep.Processes++
		if len(tds) >= 500 {
			if err := flush(); err != nil {
				return rep, err
			}
		}
	}
	return rep, flush()
}

// addRelease files one release under its ocid, or as the process's
// compiled release when it is tagged so.
func addRelease(raw json.RawMessage, groups map[string][]json.RawMessage, compiled map[string]json.RawMessage, rep *ImportReport) {
	var head struct {
		OCID string   `json:"ocid"`
		Tag  []string `json:"tag"`
	}
	if err := json.Unmarshal(raw, &head); err != nil || head.OCID == "" {
		rep.Skipped = append(rep.Skipped, "a release without an ocid")
		return
	}
	for _, t := range head.Tag {
		if t == ocds.TagCompiled {
			compiled[head.OCID] = raw
			return
		}
	}
	groups[head.OCID] = append(groups[head.OCID], raw)
}

// sortByDate orders releases oldest first, as merging requires; the sort is
// stable so releases of equal date keep the publisher's order.
func sortByDate(rs []json.RawMessage) {
	dates := make([]string, len(rs))
	for i, r := range rs {
		var d struct {
			Date string `json:"date"`
		}
		_ = json.Unmarshal(r, &d)
		dates[i] = d.Date
	}
	idx := make([]int, len(rs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return dates[idx[a]] < dates[idx[b]] })
	out := make([]json.RawMessage, len(rs))
	for i, j := range idx {
		out[i] = rs[j]
	}
	copy(rs, out)
}

// decodeRelease reads a compiled release from any publisher. Real data has
// null amounts and dates in other formats; when the strict decoding fails,
// those values are dropped and it tries again.
func decodeRelease(raw json.RawMessage) (*ocds.Release, error) {
	var rel ocds.Release
	err := json.Unmarshal(raw, &rel)
	if err == nil {
		return &rel, nil
	}
	var tree any
	if json.Unmarshal(raw, &tree) != nil {
		return nil, err
	}
	clean(tree)
	fixed, _ := json.Marshal(tree)
	rel = ocds.Release{}
	if err2 := json.Unmarshal(fixed, &rel); err2 != nil {
		return nil, err2
	}
	return &rel, nil
}

// clean removes, in place, values the typed release cannot hold: amounts
// that are not numbers (and the values left without one), and dates that
// are neither RFC 3339 nor one of the forms lenientDate reads.
func clean(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			switch {
			case k == "amount" || k == "quantity" || k == "numberOfTenderers":
				switch e.(type) {
				case float64:
				case string:
					if _, err := json.Number(e.(string)).Float64(); err != nil {
						delete(x, k)
					}
				default:
					delete(x, k)
				}
			case k == "date" || strings.HasSuffix(k, "Date") || k == "dateSigned" || k == "dateAnswered" || k == "datePublished" || k == "dateModified":
				s, ok := e.(string)
				if _, err := time.Parse(time.RFC3339Nano, s); !ok || err != nil {
					if t, ok := lenientDate(s); ok {
						x[k] = t.Format(time.RFC3339Nano)
					} else {
						delete(x, k)
					}
				}
			default:
				clean(e)
			}
		}
		// A value whose amount was dropped (or never given) is no value.
		if v, ok := x["value"]; ok {
			if vm, isMap := v.(map[string]any); !isMap || vm["amount"] == nil {
				delete(x, "value")
			}
		}
	case []any:
		for _, e := range x {
			clean(e)
		}
	}
}

// lenientDate reads the date forms publishers use besides RFC 3339.
func lenientDate(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.999999999-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
