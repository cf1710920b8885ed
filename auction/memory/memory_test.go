package memory_test

import (
	"sync"
	"testing"
	"time"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/memory"
	"github.com/prozorro-go/prozorro/auction/storetest"
)

// TestStore runs the store contract with the store's clock injected: years
// away from any clock the test's bids carry, a millisecond on at each reading,
// so that a stamp taken from anywhere else shows.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (auction.WorkerStore, func() auction.WorkerStore, storetest.Clock) {
		var mu sync.Mutex
		now := time.Date(2031, time.January, 2, 3, 4, 5, 0, time.UTC)
		clock := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			now = now.Add(time.Millisecond)
			return now
		}
		s := memory.New()
		s.Now = clock
		return s, func() auction.WorkerStore { return s }, storetest.Clock{Now: clock}
	})
}
