//go:build !unix

package bleve

// lockDir does nothing where flock is unavailable: one process per
// directory is then the operator's care.
func lockDir(path string) (unlock func(), err error) { return func() {}, nil }
