package mongodb

import (
	"context"
	"fmt"
	"time"

	"github.com/prozorro-go/prozorro/tender/mongodb/lease"
)

func (s *Store) leaseTable() lease.Leases { return lease.Leases{Coll: s.leases, Key: "auction"} }

// Lease gives worker auction id until `until` when nobody else holds an
// unexpired lease (or worker already does); see package lease.
func (s *Store) Lease(ctx context.Context, id, worker string, now, until time.Time) (bool, error) {
	ok, err := s.leaseTable().Acquire(ctx, id, worker, now, until)
	if err != nil {
		return false, fmt.Errorf("mongodb: %w", err)
	}
	return ok, nil
}
