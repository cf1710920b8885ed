package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/ocds"
	"github.com/prozorro-go/prozorro/tender"
	"github.com/prozorro-go/prozorro/tender/api"
)

// Config is config.yaml, one section per concern.
type Config struct {
	HTTP struct {
		Addr         string `yaml:"addr"`
		BaseURL      string `yaml:"base_url"`
		MaxBodyBytes int64  `yaml:"max_body_bytes"`
	} `yaml:"http"`
	Mongo struct {
		URI      string `yaml:"uri"`
		Database string `yaml:"database"`
		DataDir  string `yaml:"data_dir"`
	} `yaml:"mongo"`
	Sandbox     bool `yaml:"sandbox"`
	Chronograph struct {
		Interval time.Duration `yaml:"interval"`
	} `yaml:"chronograph"`
	Platforms []PlatformConfig `yaml:"platforms"`
	Auction   AuctionConfig    `yaml:"auction"`
	OCDS      OCDSConfig       `yaml:"ocds"`
	Search    SearchConfig     `yaml:"search"`

	// CalendarFile is a workdays_off.json to use and reload instead of the
	// embedded one; empty means the embedded ProZorro calendar.
	CalendarFile string `yaml:"calendar_file"`
}

// AuctionConfig is the auction service: its worker and its pages.
type AuctionConfig struct {
	// Enabled makes serve run the auction worker and pages too.
	Enabled bool `yaml:"enabled"`
	// BaseURL is the public URL of the auction pages; empty: this process's
	// address.
	BaseURL string `yaml:"base_url"`
	// APIURL is the tender API the worker calls; empty: http.base_url, or
	// this process's address.
	APIURL   string        `yaml:"api_url"`
	Tick     time.Duration `yaml:"tick"`
	Lease    time.Duration `yaml:"lease"`
	WorkerID string        `yaml:"worker_id"`
	// Grace is how long after a turn ends a bid's write may still finish.
	Grace time.Duration `yaml:"grace"`
	// MaxAccelerator caps the sandbox accelerator applied to the durations.
	MaxAccelerator int `yaml:"max_accelerator"`
	Durations      struct {
		FirstPause   time.Duration `yaml:"first_pause"`
		Pause        time.Duration `yaml:"pause"`
		Turn         time.Duration `yaml:"turn"`
		Announcement time.Duration `yaml:"announcement"`
		Rounds       int           `yaml:"rounds"`
	} `yaml:"durations"`

	// Secrets, from the environment only.
	APIKey string `yaml:"-"` // PROZORRO_AUCTION_API_KEY: the auction role's platform key
	Secret string `yaml:"-"` // PROZORRO_AUCTION_SECRET: signs participation tokens
}

// OCDSConfig is how the OCDS endpoints publish: the registered OCID prefix
// and the publisher named in every package.
type OCDSConfig struct {
	// Prefix is the OCID prefix registered with the Open Contracting
	// Partnership; empty: the placeholder ocds.PlaceholderPrefix.
	Prefix        string `yaml:"prefix"`
	PublisherName string `yaml:"publisher_name"`
	PublisherURI  string `yaml:"publisher_uri"`
	License       string `yaml:"license"`
}

// ocds converts the section for the ocds package.
func (c OCDSConfig) ocds() ocds.Config {
	return ocds.Config{Prefix: c.Prefix, Publisher: ocds.Publisher{Name: c.PublisherName, URI: c.PublisherURI}, License: c.License}
}

// SearchConfig is watchdog search: where the indexes live and how the
// indexer follows the feed.
type SearchConfig struct {
	// Enabled makes serve run the indexer and the search endpoints too.
	Enabled bool `yaml:"enabled"`
	// ElasticsearchURL is an Elasticsearch 7.x / OpenSearch 2.x node or
	// cluster; empty: an embedded index under mongo.data_dir/search.
	ElasticsearchURL string `yaml:"elasticsearch_url"`
	// IndexPrefix names the aliases (<prefix>-tenders, <prefix>-contracts).
	IndexPrefix string `yaml:"index_prefix"`
	// Partitions splits the feed among indexers; every indexer sharing a
	// store must use the same number.
	Partitions int           `yaml:"partitions"`
	PageSize   int           `yaml:"page_size"`
	Idle       time.Duration `yaml:"idle"`
	Lease      time.Duration `yaml:"lease"`
	// StatsInterval is how often the red-flag statistics are recomputed.
	StatsInterval time.Duration `yaml:"stats_interval"`
	// FlagsSettings is a Cardinal-style settings.ini for the indicators;
	// empty: the defaults.
	FlagsSettings string `yaml:"flags_settings"`
	// IndexerID names this indexer in leases; empty: a random id.
	IndexerID string `yaml:"indexer_id"`
}

// PlatformConfig is one API client in config.yaml; its key only as a hash.
type PlatformConfig struct {
	Name      string `yaml:"name"`
	KeySHA256 string `yaml:"key_sha256"`
	Levels    string `yaml:"levels"`
	Role      string `yaml:"role"`
}

func defaultConfig() Config {
	var c Config
	c.HTTP.Addr = "127.0.0.1:8080"
	c.HTTP.MaxBodyBytes = 1 << 20
	c.Mongo.Database = "prozorro"
	c.Mongo.DataDir = "./data"
	c.Chronograph.Interval = time.Second
	c.Auction.Enabled = true
	c.OCDS.PublisherName = "Prozorro-Go (unconfigured publisher)"
	c.Search.Enabled = true
	c.Search.IndexPrefix = "prozorro"
	c.Search.Partitions = 1
	c.Search.PageSize = 100
	c.Search.Idle = 200 * time.Millisecond
	c.Search.Lease = 15 * time.Second
	c.Search.StatsInterval = 5 * time.Minute
	c.Auction.Tick = 500 * time.Millisecond
	c.Auction.Lease = 10 * time.Second
	c.Auction.Grace = time.Second
	d := auction.DefaultDurations()
	c.Auction.Durations.FirstPause, c.Auction.Durations.Pause, c.Auction.Durations.Turn = d.FirstPause, d.Pause, d.Turn
	c.Auction.Durations.Announcement, c.Auction.Durations.Rounds = d.Announcement, d.Rounds
	return c
}

var (
	hexKeyRE     = regexp.MustCompile(`^[0-9a-f]{64}$`)
	ocidPrefixRE = regexp.MustCompile(`^ocds-[a-z0-9]{6}$`)
	// searchPrefixRE: Elasticsearch index names are lowercase, no leading
	// dash, underscore or plus.
	searchPrefixRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,60}$`)
)

// commandFlags returns a command's flag set with -config defined, and load,
// which reads the configuration -config names (else PROZORRO_CONFIG, else
// config.yaml) once the flags are parsed.
func commandFlags(name string, getenv func(string) string) (fs *flag.FlagSet, load func() (Config, error)) {
	fs = flag.NewFlagSet(name, flag.ContinueOnError)
	path := getenv("PROZORRO_CONFIG")
	explicit := path != ""
	if path == "" {
		path = "config.yaml"
	}
	fs.Func("config", "path to config.yaml (PROZORRO_CONFIG)", func(v string) error { path, explicit = v, true; return nil })
	return fs, func() (Config, error) { return loadConfig(path, explicit, getenv) }
}

// commandConfig parses a command's flags, with -config and those define
// adds, and loads the configuration.
func commandConfig(name string, args []string, getenv func(string) string, define func(fs *flag.FlagSet)) (Config, *flag.FlagSet, error) {
	fs, load := commandFlags(name, getenv)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, fs, err
	}
	cfg, err := load()
	return cfg, fs, err
}

// loadConfig reads path (a missing default file is fine) and applies the
// environment over it.
func loadConfig(path string, explicit bool, getenv func(string) string) (Config, error) {
	c := defaultConfig()
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		var raw map[string]any
		if err := yaml.Unmarshal(data, &raw); err != nil {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
		if a, ok := raw["auction"].(map[string]any); ok {
			for _, k := range []string{"api_key", "secret"} {
				if _, plain := a[k]; plain {
					return c, fmt.Errorf("config %s: auction.%s is a secret: set it in the environment (PROZORRO_AUCTION_%s)", path, k, strings.ToUpper(k))
				}
			}
		}
		if ps, ok := raw["platforms"].([]any); ok {
			for _, p := range ps {
				if m, ok := p.(map[string]any); ok {
					if _, plain := m["key"]; plain {
						return c, fmt.Errorf("config %s: platform keys must not be stored in plain text; use key_sha256 or PROZORRO_PLATFORMS", path)
					}
				}
			}
		}
		dec := yaml.NewDecoder(strings.NewReader(string(data)))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, errEOF) {
			return c, fmt.Errorf("config %s: %w", path, err)
		}
	case errors.Is(err, os.ErrNotExist) && !explicit:
	default:
		return c, fmt.Errorf("config: %w", err)
	}
	env := func(name string, set func(string) error) error {
		if v := getenv(name); v != "" {
			if err := set(v); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		return nil
	}
	str := func(dst *string) func(string) error { return func(v string) error { *dst = v; return nil } }
	duration := func(dst *time.Duration) func(string) error {
		return func(v string) (err error) { *dst, err = time.ParseDuration(v); return }
	}
	errs := []error{
		env("PROZORRO_HTTP_ADDR", str(&c.HTTP.Addr)),
		env("PROZORRO_BASE_URL", str(&c.HTTP.BaseURL)),
		env("PROZORRO_MAX_BODY_BYTES", func(v string) (err error) { c.HTTP.MaxBodyBytes, err = strconv.ParseInt(v, 10, 64); return }),
		env("PROZORRO_MONGO_URI", str(&c.Mongo.URI)),
		env("PROZORRO_MONGO_DATABASE", str(&c.Mongo.Database)),
		env("PROZORRO_DATA_DIR", str(&c.Mongo.DataDir)),
		env("PROZORRO_SANDBOX", func(v string) (err error) { c.Sandbox, err = strconv.ParseBool(v); return }),
		env("PROZORRO_CALENDAR_FILE", str(&c.CalendarFile)),
		env("PROZORRO_CHRONOGRAPH_INTERVAL", func(v string) (err error) { c.Chronograph.Interval, err = time.ParseDuration(v); return }),
		env("PROZORRO_AUCTION_ENABLED", func(v string) (err error) { c.Auction.Enabled, err = strconv.ParseBool(v); return }),
		env("PROZORRO_AUCTION_BASE_URL", str(&c.Auction.BaseURL)),
		env("PROZORRO_AUCTION_API_URL", str(&c.Auction.APIURL)),
		env("PROZORRO_AUCTION_API_KEY", str(&c.Auction.APIKey)),
		env("PROZORRO_AUCTION_SECRET", str(&c.Auction.Secret)),
		env("PROZORRO_AUCTION_WORKER_ID", str(&c.Auction.WorkerID)),
		env("PROZORRO_AUCTION_TICK", duration(&c.Auction.Tick)),
		env("PROZORRO_AUCTION_LEASE", duration(&c.Auction.Lease)),
		env("PROZORRO_AUCTION_GRACE", duration(&c.Auction.Grace)),
		env("PROZORRO_AUCTION_MAX_ACCELERATOR", func(v string) (err error) { c.Auction.MaxAccelerator, err = strconv.Atoi(v); return }),
		env("PROZORRO_AUCTION_FIRST_PAUSE", duration(&c.Auction.Durations.FirstPause)),
		env("PROZORRO_AUCTION_PAUSE", duration(&c.Auction.Durations.Pause)),
		env("PROZORRO_AUCTION_TURN", duration(&c.Auction.Durations.Turn)),
		env("PROZORRO_AUCTION_ANNOUNCEMENT", duration(&c.Auction.Durations.Announcement)),
		env("PROZORRO_OCDS_PREFIX", str(&c.OCDS.Prefix)),
		env("PROZORRO_OCDS_PUBLISHER", str(&c.OCDS.PublisherName)),
		env("PROZORRO_OCDS_PUBLISHER_URI", str(&c.OCDS.PublisherURI)),
		env("PROZORRO_OCDS_LICENSE", str(&c.OCDS.License)),
		env("PROZORRO_SEARCH_ENABLED", func(v string) (err error) { c.Search.Enabled, err = strconv.ParseBool(v); return }),
		env("PROZORRO_ELASTICSEARCH_URL", str(&c.Search.ElasticsearchURL)),
		env("PROZORRO_SEARCH_INDEX_PREFIX", str(&c.Search.IndexPrefix)),
		env("PROZORRO_SEARCH_PARTITIONS", func(v string) (err error) { c.Search.Partitions, err = strconv.Atoi(v); return }),
		env("PROZORRO_SEARCH_STATS_INTERVAL", duration(&c.Search.StatsInterval)),
		env("PROZORRO_SEARCH_LEASE", duration(&c.Search.Lease)),
		env("PROZORRO_SEARCH_FLAGS_SETTINGS", str(&c.Search.FlagsSettings)),
		env("PROZORRO_SEARCH_INDEXER_ID", str(&c.Search.IndexerID)),
		env("PROZORRO_AUCTION_ROUNDS", func(v string) (err error) { c.Auction.Durations.Rounds, err = strconv.Atoi(v); return }),
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	if v := getenv("PROZORRO_PLATFORMS"); v != "" {
		for _, entry := range strings.Split(v, ",") {
			parts := strings.Split(strings.TrimSpace(entry), ":")
			if len(parts) < 2 || len(parts) > 4 || parts[0] == "" || parts[1] == "" {
				return c, fmt.Errorf("PROZORRO_PLATFORMS: %q is not name:key:levels[:role]", entry)
			}
			p := PlatformConfig{Name: parts[0], KeySHA256: api.HashKey(parts[1])}
			if len(parts) > 2 {
				p.Levels = parts[2]
			}
			if len(parts) > 3 {
				p.Role = parts[3]
			}
			c.Platforms = append(c.Platforms, p)
		}
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if c.HTTP.MaxBodyBytes <= 0 {
		errs = append(errs, fmt.Errorf("http.max_body_bytes must be positive"))
	}
	if c.Chronograph.Interval <= 0 {
		errs = append(errs, fmt.Errorf("chronograph.interval must be positive"))
	}
	a := c.Auction
	if a.Tick <= 0 || a.Lease <= 0 || a.Grace < 0 {
		errs = append(errs, fmt.Errorf("auction.tick and auction.lease must be positive, auction.grace not negative"))
	}
	if a.Lease < 4*a.Tick {
		errs = append(errs, fmt.Errorf("auction.lease (%v) must be at least 4 ticks (%v): a worker renews it when half is left", a.Lease, a.Tick))
	}
	if d := a.Durations; d.FirstPause <= 0 || d.Pause <= 0 || d.Turn <= 0 || d.Announcement < 0 || d.Rounds < 1 {
		errs = append(errs, fmt.Errorf("auction.durations: pauses and turns must be positive, rounds at least 1"))
	}
	if a.MaxAccelerator < 0 {
		errs = append(errs, fmt.Errorf("auction.max_accelerator must not be negative"))
	}
	if p := c.OCDS.Prefix; p != "" && !ocidPrefixRE.MatchString(p) {
		errs = append(errs, fmt.Errorf("ocds.prefix %q must be ocds- and 6 lowercase letters or digits", p))
	}
	if c.OCDS.PublisherName == "" {
		errs = append(errs, fmt.Errorf("ocds.publisher_name is required"))
	}
	if sc := c.Search; sc.Partitions < 1 || sc.PageSize < 1 || sc.PageSize > 1000 || sc.Idle <= 0 || sc.Lease <= 0 {
		errs = append(errs, fmt.Errorf("search: partitions must be at least 1, page_size 1..1000, idle and lease positive"))
	}
	if !searchPrefixRE.MatchString(c.Search.IndexPrefix) {
		errs = append(errs, fmt.Errorf("search.index_prefix %q must be lowercase letters, digits and dashes", c.Search.IndexPrefix))
	}
	if c.Mongo.Database == "" {
		errs = append(errs, fmt.Errorf("mongo.database is required"))
	}
	names := map[string]bool{}
	for i, p := range c.Platforms {
		if p.Name == "" || names[p.Name] {
			errs = append(errs, fmt.Errorf("platforms[%d]: a unique name is required", i))
		}
		names[p.Name] = true
		if !hexKeyRE.MatchString(p.KeySHA256) {
			errs = append(errs, fmt.Errorf("platforms[%d] (%s): key_sha256 must be 64 lowercase hex digits", i, p.Name))
		}
		switch tender.Role(p.Role) {
		case "", tender.RoleBroker, tender.RoleAuction, tender.RoleChronograph, tender.RoleAdmin, tender.RoleReviewer, tender.RoleBot:
		default:
			errs = append(errs, fmt.Errorf("platforms[%d] (%s): role must be broker, auction, chronograph, admin, reviewers or bots", i, p.Name))
		}
	}
	return errors.Join(errs...)
}

// apiPlatforms converts the configured platforms for the HTTP layer.
func (c *Config) apiPlatforms() []api.Platform {
	out := make([]api.Platform, len(c.Platforms))
	for i, p := range c.Platforms {
		role := tender.Role(p.Role)
		if role == "" {
			role = tender.RoleBroker
		}
		out[i] = api.Platform{Name: p.Name, KeyHash: p.KeySHA256, Levels: p.Levels, Role: role}
	}
	return out
}

func randomKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
