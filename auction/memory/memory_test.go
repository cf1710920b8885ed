package memory_test

import (
	"testing"

	"github.com/prozorro-go/prozorro/auction"
	"github.com/prozorro-go/prozorro/auction/memory"
	"github.com/prozorro-go/prozorro/auction/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (auction.WorkerStore, func() auction.WorkerStore) {
		s := memory.New()
		return s, func() auction.WorkerStore { return s }
	})
}
