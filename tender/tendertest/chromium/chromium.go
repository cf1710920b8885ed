// Package chromium starts Debian's headless chromium for the browser tests
// (auction pages, portal), driven by github.com/chromedp/chromedp.
package chromium

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Path returns Debian's chromium: $PROZORRO_CHROMIUM (exported by
// .ci/test-servers.sh, which installs it) or `chromium` on PATH. In CI a
// missing browser fails the test; locally it skips.
func Path(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("PROZORRO_CHROMIUM"); p != "" {
		return p
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	const why = "chromium not found: run `make test` (its .ci/test-servers.sh installs Debian's chromium and exports PROZORRO_CHROMIUM) or set PROZORRO_CHROMIUM"
	if os.Getenv("CI") != "" {
		t.Fatal(why)
	}
	t.Skip(why)
	return ""
}

// Start launches chromium at exe with a fresh profile, the flags the
// machines need (no sandbox, no GPU, no background network: only the
// package registries are reachable) and a width × height window, and
// returns the browser's context. The browser stops when ctx ends or the
// test's cleanup runs.
func Start(ctx context.Context, t testing.TB, exe string, width, height int) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(width, height),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return browser
}

// Artifacts returns the directory for a browser test's screenshots:
// $PROZORRO_ARTIFACTS (created if needed) or a temporary directory.
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("PROZORRO_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
