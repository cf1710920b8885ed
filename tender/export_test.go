package tender

// Auctions are planned in a fixed slot in tests: the fourth of ten (12:30)
// plus a third of the half hour (10 minutes), so a planned start reads 12:40.
func init() {
	auctionRand = func(n int) int { return n / 3 }
}
