// Package mongotest gives tests and benchmarks a real MongoDB-compatible
// server: the one the test command started (PROZORRO_TEST_MONGO_URI, FerretDB
// on PostgreSQL), or, when that is unset outside CI, an embedded FerretDB on
// SQLite in a temporary directory. Each caller gets a fresh database.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

var (
	once     sync.Once
	client   *mongo.Client
	uri      string
	setupErr error
)

// URI returns the server's connection string, starting an embedded server if
// needed. It fails the test when CI is set and no server was provided.
func URI(tb testing.TB) string {
	tb.Helper()
	once.Do(setup)
	if setupErr != nil {
		tb.Fatalf("mongotest: %v", setupErr)
	}
	return uri
}

func setup() {
	uri = os.Getenv("PROZORRO_TEST_MONGO_URI")
	if uri == "" {
		if os.Getenv("CI") != "" {
			setupErr = errMissing
			return
		}
		dir, err := os.MkdirTemp("", "prozorro-ferretdb-")
		if err != nil {
			setupErr = err
			return
		}
		f, err := ferretdb.New(&ferretdb.Config{Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"}, Handler: "sqlite", SQLiteURL: "file:" + dir + "/",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			setupErr = err
			return
		}
		go func() { _ = f.Run(context.Background()) }()
		uri = f.MongoDBURI()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, setupErr = mongo.Connect(ctx, options.Client().ApplyURI(uri))
	if setupErr == nil {
		setupErr = client.Ping(ctx, nil)
	}
}

type missing struct{}

func (missing) Error() string {
	return "PROZORRO_TEST_MONGO_URI is not set; run the tests with `make test`, which starts FerretDB on PostgreSQL"
}

var errMissing error = missing{}

// DatabaseName returns a fresh, unique database name.
func DatabaseName() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "t_" + hex.EncodeToString(b[:])
}

// Database returns a fresh database on the test server, dropped when the
// test ends.
func Database(tb testing.TB) *mongo.Database {
	tb.Helper()
	URI(tb)
	db := client.Database(DatabaseName())
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = db.Drop(ctx)
	})
	return db
}
