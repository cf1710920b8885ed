package ocds

import "time"

// Version is the OCDS version the packages declare.
const Version = "1.1"

// Extensions are the URLs of the extension.json of every extension the
// releases use, at the versions whose schemas shared/ocds/schema/extensions
// holds (v1.1.5, the release matching OCDS 1.1.5).
var Extensions = []string{
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
	"https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/v1.1.5/extension.json",
}

// Publisher is the organization publishing the data.
type Publisher struct {
	Name   string `json:"name"`
	Scheme string `json:"scheme,omitempty"`
	UID    string `json:"uid,omitempty"`
	URI    string `json:"uri,omitempty"`
}

// ReleasePackage is release-package-schema.json.
type ReleasePackage struct {
	URI               string    `json:"uri"`
	Version           string    `json:"version"`
	Extensions        []string  `json:"extensions,omitempty"`
	PublishedDate     time.Time `json:"publishedDate"`
	Publisher         Publisher `json:"publisher"`
	License           string    `json:"license,omitempty"`
	PublicationPolicy string    `json:"publicationPolicy,omitempty"`
	Releases          []Release `json:"releases"`
}

// Package wraps releases in a release package served at uri. Its
// publishedDate is the latest release date, so the same releases always give
// the same package (a caller publishing at a known time may overwrite it).
// Releases is never null: an empty package lists no releases.
func Package(uri string, releases []Release, cfg Config) ReleasePackage {
	p := ReleasePackage{
		URI: uri, Version: Version, Extensions: append([]string(nil), Extensions...),
		Publisher: cfg.Publisher, License: cfg.License, PublicationPolicy: cfg.PublicationPolicy,
		Releases: releases,
	}
	if p.Releases == nil {
		p.Releases = []Release{}
	}
	for _, r := range releases {
		if r.Date.After(p.PublishedDate) {
			p.PublishedDate = r.Date
		}
	}
	return p
}
