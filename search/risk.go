package search

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/ocds/flags"
)

// Risk evaluates red flags on compiled releases against the dataset
// statistics last saved in State, which it re-reads at most every
// RefreshEvery.
type Risk struct {
	Settings     flags.Settings
	State        State
	RefreshEvery time.Duration // default 10 s

	mu      sync.Mutex
	stats   *flags.Stats
	at      time.Time // when the statistics were computed
	checked time.Time // when State was last read
}

// NewRisk returns a Risk with the given settings reading statistics from st.
func NewRisk(s flags.Settings, st State) *Risk { return &Risk{Settings: s, State: st} }

// Stats returns the current dataset statistics (nil before the first
// computation) and when they were computed.
func (r *Risk) Stats(ctx context.Context) (*flags.Stats, time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	every := r.RefreshEvery
	if every == 0 {
		every = 10 * time.Second
	}
	if r.State != nil && time.Since(r.checked) >= every {
		r.checked = time.Now()
		raw, at, err := r.State.Stats(ctx)
		if err == nil && raw != nil && !at.Equal(r.at) {
			var st flags.Stats
			if json.Unmarshal(raw, &st) == nil {
				r.stats, r.at = &st, at
			}
		}
	}
	return r.stats, r.at
}

// setStats installs freshly computed statistics.
func (r *Risk) setStats(st *flags.Stats, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats, r.at, r.checked = st, at, time.Now()
}

// Assessment is the red flags of one process with what they rest on.
type Assessment struct {
	Facts   flags.Facts
	Flags   []flags.Flag
	StatsAt time.Time // when the dataset statistics used were computed; zero when none were
}

// Codes returns the distinct flag codes, sorted, and the sum of one weight
// per code.
func (a *Assessment) Codes() ([]string, float64) {
	return codesOf(a.Flags)
}

func codesOf(fl []flags.Flag) ([]string, float64) {
	var codes []string
	score := 0.0
	for _, f := range fl {
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
			score += f.Weight
		}
	}
	slices.Sort(codes)
	return codes, round3(score)
}

func round3(x float64) float64 {
	return float64(int64(x*1000+0.5)) / 1000
}

// Assess evaluates a compiled release.
func (r *Risk) Assess(ctx context.Context, rel *ocds.Release) (*Assessment, error) {
	raw, err := json.Marshal(rel)
	if err != nil {
		return nil, err
	}
	return r.AssessJSON(ctx, raw)
}

// AssessJSON evaluates a compiled release given as JSON.
func (r *Risk) AssessJSON(ctx context.Context, raw []byte) (*Assessment, error) {
	p, err := flags.ParseRelease(raw)
	if err != nil {
		return nil, fmt.Errorf("search: red flags: %w", err)
	}
	f := flags.Extract(p, r.Settings)
	st, at := r.Stats(ctx)
	return &Assessment{Facts: f, Flags: flags.Evaluate(f, st, r.Settings), StatsAt: at}, nil
}

// Apply records an assessment on a process's documents.
func (a *Assessment) Apply(d *TenderDoc, cs []*ContractDoc) error {
	raw, err := json.Marshal(a.Facts)
	if err != nil {
		return err
	}
	codes, score := a.Codes()
	SetFlags(d, cs, codes, score)
	d.Facts = raw
	return nil
}
