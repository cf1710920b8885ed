package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"

	"github.com/prozorro-go/prozorro/tender"
)

// Transfers live in two collections, both read by _id only (so they need no
// index beyond the one every collection has):
//
//   - `transfers` holds each transfer as its canonical JSON in `data`, so its
//     date round-trips exactly, with the owner beside it.
//   - `transfer_uses` holds at most one claim per transfer, {_id: transfer id,
//     usedFor, claimed, done}. A claim is a unique insert, the one operation
//     that is atomic on FerretDB, so of two requests using one transfer
//     exactly one gets it, as with the revision records of tenders.

func (s *Store) transfers() *mongo.Collection    { return s.db.Collection("transfers") }
func (s *Store) transferUses() *mongo.Collection { return s.db.Collection("transfer_uses") }

type transferDoc struct {
	ID    string `bson:"_id"`
	Owner string `bson:"owner"`
	Data  string `bson:"data"`
}

type transferUseDoc struct {
	ID      string    `bson:"_id"` // the transfer's id
	UsedFor string    `bson:"usedFor"`
	Claimed time.Time `bson:"claimed"` // the store's clock when claimed, for operators
	Done    bool      `bson:"done"`
}

// InsertTransfer stores a new transfer; an id that is taken fails with
// tender.ErrConflict.
func (s *Store) InsertTransfer(ctx context.Context, tr *tender.Transfer) error {
	data, err := json.Marshal(tr)
	if err != nil {
		return fmt.Errorf("mongodb: transfer %s: %w", tr.ID, err)
	}
	_, err = s.transfers().InsertOne(ctx, transferDoc{ID: tr.ID, Owner: tr.Owner, Data: string(data)})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: insert transfer %s: %w", tr.ID, tender.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("mongodb: insert transfer %s: %w", tr.ID, err)
	}
	return nil
}

// GetTransfer loads a transfer and its claim.
func (s *Store) GetTransfer(ctx context.Context, id string) (*tender.Transfer, error) {
	var d transferDoc
	err := s.transfers().FindOne(ctx, bson.M{"_id": id}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, tender.ErrTransferNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("mongodb: get transfer %s: %w", id, err)
	}
	var tr tender.Transfer
	if err := json.Unmarshal([]byte(d.Data), &tr); err != nil {
		return nil, fmt.Errorf("mongodb: transfer %s: %w", id, err)
	}
	var u transferUseDoc
	err = s.transferUses().FindOne(ctx, bson.M{"_id": id}).Decode(&u)
	switch {
	case err == nil:
		tr.Use = &tender.TransferUse{UsedFor: u.UsedFor, Done: u.Done}
	case !errors.Is(err, mongo.ErrNoDocuments):
		return nil, fmt.Errorf("mongodb: get transfer %s: %w", id, err)
	}
	return &tr, nil
}

// ClaimTransfer inserts the claim of transfer id; the loser of the insert
// race gets tender.ErrTransferUsed.
func (s *Store) ClaimTransfer(ctx context.Context, id, usedFor string) error {
	_, err := s.transferUses().InsertOne(ctx, transferUseDoc{ID: id, UsedFor: usedFor, Claimed: s.now().UTC()})
	if mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongodb: claim transfer %s: %w", id, tender.ErrTransferUsed)
	}
	if err != nil {
		return fmt.Errorf("mongodb: claim transfer %s: %w", id, err)
	}
	return nil
}

// ReleaseTransfer deletes the claim (id, usedFor) unless it is confirmed.
// Only the claim's own writer releases it, and only after a change that
// wrote nothing, so nothing else writes the record meanwhile.
func (s *Store) ReleaseTransfer(ctx context.Context, id, usedFor string) error {
	if _, err := s.transferUses().DeleteOne(ctx, bson.M{"_id": id, "usedFor": usedFor, "done": false}); err != nil {
		return fmt.Errorf("mongodb: release transfer %s: %w", id, err)
	}
	return nil
}

// ConfirmTransfer marks the claim (id, usedFor) done.
func (s *Store) ConfirmTransfer(ctx context.Context, id, usedFor string) error {
	if _, err := s.transferUses().UpdateOne(ctx, bson.M{"_id": id, "usedFor": usedFor}, bson.M{"$set": bson.M{"done": true}}); err != nil {
		return fmt.Errorf("mongodb: confirm transfer %s: %w", id, err)
	}
	return nil
}
