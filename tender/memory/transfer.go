package memory

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/prozorro-go/prozorro/tender"
)

// transfers keeps transfers as JSON, with their claims beside them, under
// their own lock: a claim never waits for tender writes.
type transfers struct {
	mu   sync.Mutex
	data map[string][]byte              // id → the transfer's JSON
	uses map[string]*tender.TransferUse // id → its claim
}

// InsertTransfer stores a new transfer; an id that is taken fails with
// tender.ErrConflict.
func (s *Store) InsertTransfer(ctx context.Context, tr *tender.Transfer) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(tr)
	if err != nil {
		return fmt.Errorf("memory: marshal transfer %s: %w", tr.ID, err)
	}
	x := &s.xfers
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.data == nil {
		x.data, x.uses = map[string][]byte{}, map[string]*tender.TransferUse{}
	}
	if _, ok := x.data[tr.ID]; ok {
		return fmt.Errorf("memory: insert transfer %s: %w", tr.ID, tender.ErrConflict)
	}
	x.data[tr.ID] = data
	return nil
}

// GetTransfer returns a copy of the transfer with its claim, or
// tender.ErrTransferNotFound.
func (s *Store) GetTransfer(ctx context.Context, id string) (*tender.Transfer, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	x := &s.xfers
	x.mu.Lock()
	defer x.mu.Unlock()
	data, ok := x.data[id]
	if !ok {
		return nil, tender.ErrTransferNotFound
	}
	var tr tender.Transfer
	if err := json.Unmarshal(data, &tr); err != nil {
		return nil, fmt.Errorf("memory: transfer %s: %w", id, err)
	}
	if u := x.uses[id]; u != nil {
		c := *u
		tr.Use = &c
	}
	return &tr, nil
}

// ClaimTransfer records the first claim of transfer id; later claims fail
// with tender.ErrTransferUsed.
func (s *Store) ClaimTransfer(ctx context.Context, id, usedFor string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x := &s.xfers
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.uses == nil {
		x.data, x.uses = map[string][]byte{}, map[string]*tender.TransferUse{}
	}
	if _, ok := x.uses[id]; ok {
		return tender.ErrTransferUsed
	}
	x.uses[id] = &tender.TransferUse{UsedFor: usedFor}
	return nil
}

// ReleaseTransfer removes the claim (id, usedFor) unless it is confirmed.
func (s *Store) ReleaseTransfer(ctx context.Context, id, usedFor string) error {
	x := &s.xfers
	x.mu.Lock()
	defer x.mu.Unlock()
	if u := x.uses[id]; u != nil && u.UsedFor == usedFor && !u.Done {
		delete(x.uses, id)
	}
	return nil
}

// ConfirmTransfer marks the claim (id, usedFor) done.
func (s *Store) ConfirmTransfer(ctx context.Context, id, usedFor string) error {
	x := &s.xfers
	x.mu.Lock()
	defer x.mu.Unlock()
	if u := x.uses[id]; u != nil && u.UsedFor == usedFor {
		u.Done = true
	}
	return nil
}
