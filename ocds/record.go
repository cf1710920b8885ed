package ocds

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/prozorro-go/prozorro/ocds/merge"
	"github.com/prozorro-go/prozorro/ocds/schemadata"
)

// Record is one record of record-package-schema.json: the releases of a
// contracting process, embedded in full, with the compiled and versioned
// releases ocds/merge builds from them.
type Record struct {
	OCID             string          `json:"ocid"`
	Releases         []Release       `json:"releases"`
	CompiledRelease  json.RawMessage `json:"compiledRelease,omitempty"`
	VersionedRelease json.RawMessage `json:"versionedRelease,omitempty"`
}

// RecordPackage is record-package-schema.json.
type RecordPackage struct {
	URI               string    `json:"uri"`
	Version           string    `json:"version"`
	Extensions        []string  `json:"extensions,omitempty"`
	PublishedDate     time.Time `json:"publishedDate"`
	Publisher         Publisher `json:"publisher"`
	License           string    `json:"license,omitempty"`
	PublicationPolicy string    `json:"publicationPolicy,omitempty"`
	Packages          []string  `json:"packages,omitempty"`
	Records           []Record  `json:"records"`
}

var (
	mergerOnce sync.Once
	merger     *merge.Merger
	mergerErr  error
)

// Merger returns the merger for this service's releases: the merge rules of
// the OCDS 1.1.5 release schema with the bids, lots and enquiries extensions
// patched in (embedded by ocds/schemadata). It is built once and shared.
func Merger() (*merge.Merger, error) {
	mergerOnce.Do(func() {
		schema, err := schemadata.ReleaseSchema()
		if err == nil {
			merger, err = merge.NewMerger(schema)
		}
		mergerErr = err
	})
	return merger, mergerErr
}

// NewRecord compiles the releases of one contracting process, oldest first,
// into a record with m. It needs at least one release.
func NewRecord(m *merge.Merger, releases []Release) (Record, error) {
	if len(releases) == 0 {
		return Record{}, fmt.Errorf("ocds: a record needs at least one release")
	}
	raw := make([]json.RawMessage, len(releases))
	for i, r := range releases {
		b, err := json.Marshal(r)
		if err != nil {
			return Record{}, err
		}
		raw[i] = b
	}
	compiled, err := m.Compile(raw)
	if err != nil {
		return Record{}, fmt.Errorf("ocds: compiling %s: %w", releases[0].OCID, err)
	}
	versioned, err := m.Versioned(raw)
	if err != nil {
		return Record{}, fmt.Errorf("ocds: versioning %s: %w", releases[0].OCID, err)
	}
	return Record{OCID: releases[0].OCID, Releases: releases, CompiledRelease: compiled, VersionedRelease: versioned}, nil
}

// PackageRecords wraps records in a record package served at uri; like
// Package, its publishedDate is the latest release date. Records is never
// null.
func PackageRecords(uri string, records []Record, cfg Config) RecordPackage {
	p := RecordPackage{
		URI: uri, Version: Version, Extensions: append([]string(nil), Extensions...),
		Publisher: cfg.Publisher, License: cfg.License, PublicationPolicy: cfg.PublicationPolicy,
		Records: records,
	}
	if p.Records == nil {
		p.Records = []Record{}
	}
	for _, rec := range records {
		for _, r := range rec.Releases {
			if r.Date.After(p.PublishedDate) {
				p.PublishedDate = r.Date
			}
		}
	}
	return p
}
