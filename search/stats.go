package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/prozorro-go/prozorro/ocds/flags"
)

// StatsReport says what one recomputation of the statistics did.
type StatsReport struct {
	Processes int // facts read from the index
	Changed   int // processes whose flags changed and were rewritten
	At        time.Time
}

// statsIfLeader recomputes the statistics when this indexer holds (or
// takes) the "stats" lease.
func (ix *Indexer) statsIfLeader(ctx context.Context) error {
	now := time.Now()
	ok, err := ix.State.Lease(ctx, "stats", ix.ID, now, now.Add(ix.StatsEvery+time.Minute))
	if err != nil || !ok {
		return err
	}
	r, err := ix.RecomputeStats(ctx)
	if err == nil {
		ix.Log.Info("red-flag statistics recomputed", "processes", r.Processes, "changed", r.Changed)
	}
	return err
}

type scanned struct {
	ID        string          `json:"id"`
	Version   int64           `json:"version"`
	Flags     []string        `json:"flags"`
	RiskScore float64         `json:"riskScore"`
	Facts     json.RawMessage `json:"facts"`
}

// RecomputeStats reads every process's facts back from the tenders index
// (the dataset), recomputes the dataset statistics, saves them for every
// indexer and the risks endpoint, and rewrites the documents whose flags
// the new statistics change, keeping their versions so that a newer write
// still wins.
func (ix *Indexer) RecomputeStats(ctx context.Context) (StatsReport, error) {
	ix.defaults()
	if ix.Risk == nil {
		return StatsReport{}, nil
	}
	var rows []scanned
	var facts []flags.Facts
	q := Query{Index: Tenders, Sort: SortDate, Size: 1000, Fields: []string{"id", "version", "flags", "riskScore", "facts"}}
	for {
		r, err := ix.Backend.Search(ctx, q)
		if err != nil {
			return StatsReport{}, fmt.Errorf("statistics: scan: %w", err)
		}
		for _, h := range r.Hits {
			var s scanned
			if err := json.Unmarshal(h, &s); err != nil || len(s.Facts) == 0 {
				continue
			}
			var f flags.Facts
			if err := json.Unmarshal(s.Facts, &f); err != nil {
				continue
			}
			rows = append(rows, s)
			facts = append(facts, f)
		}
		if r.Next == "" {
			break
		}
		q.After = r.Next
	}
	st := flags.ComputeStats(facts, ix.Risk.Settings)
	raw, err := json.Marshal(st)
	if err != nil {
		return StatsReport{}, err
	}
	at := time.Now().UTC()
	if err := ix.State.SetStats(ctx, raw, at); err != nil {
		return StatsReport{}, err
	}
	ix.Risk.setStats(st, at)

	rep := StatsReport{Processes: len(rows), At: at}
	changed := map[string]reflagged{}
	for i, r := range rows {
		codes, score := codesOf(flags.Evaluate(facts[i], st, ix.Risk.Settings))
		if slices.Equal(codes, r.Flags) && score == r.RiskScore {
			continue
		}
		changed[r.ID] = reflagged{codes, score}
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for len(ids) > 0 {
		n := min(len(ids), reflagBatch)
		if err := ix.reflag(ctx, ids[:n], changed); err != nil {
			return rep, err
		}
		rep.Changed += n
		ids = ids[n:]
	}
	return rep, nil
}

// reflagBatch is how many processes one rewrite handles: one search and
// one bulk write per index.
const reflagBatch = 500

type reflagged struct {
	codes []string
	score float64
}

// reflag rewrites the flags of the documents of the processes ids, in both
// indexes, keeping each document's version.
func (ix *Indexer) reflag(ctx context.Context, ids []string, to map[string]reflagged) error {
	for _, idx := range Indexes {
		field := "id"
		if idx == Contracts {
			field = "tender"
		}
		q := Query{Index: idx, Filters: []Filter{{Field: field, Op: OpTerm, Values: ids}}, Sort: SortDate, Size: 1000}
		for {
			r, err := ix.Backend.Search(ctx, q)
			if err != nil {
				return err
			}
			docs := make([]Doc, 0, len(r.Hits))
			for _, h := range r.Hits {
				var d map[string]any
				if err := json.Unmarshal(h, &d); err != nil {
					return err
				}
				key, _ := d[field].(string)
				f, ok := to[key]
				if !ok {
					continue
				}
				d["flags"], d["riskScore"] = f.codes, f.score
				id, _ := d["id"].(string)
				docs = append(docs, Doc{ID: id, Version: versionOf(h), Body: json.RawMessage(mustJSON(d))})
			}
			if len(docs) > 0 {
				if err := ix.Backend.Put(ctx, idx, docs); err != nil {
					return err
				}
			}
			if r.Next == "" {
				break
			}
			q.After = r.Next
		}
	}
	return nil
}

// versionOf reads a stored document's version exactly.
func versionOf(raw []byte) int64 {
	var v struct {
		Version int64 `json:"version"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.Version
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // maps decoded from JSON always encode
	}
	return b
}
