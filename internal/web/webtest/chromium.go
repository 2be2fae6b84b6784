package webtest

import (
	"os"
	"os/exec"
	"testing"
)

// Chromium finds the browser the browser tests drive: $CHROMIUM_BIN,
// Debian's /usr/bin/chromium, or chromium on the PATH. A missing browser
// fails the test, so a machine without one cannot pass `make test` by
// skipping; SKIP_BROWSER=1 skips instead, on purpose.
func Chromium(t testing.TB) string {
	t.Helper()
	candidates := []string{os.Getenv("CHROMIUM_BIN"), "/usr/bin/chromium"}
	if p, err := exec.LookPath("chromium"); err == nil {
		candidates = append(candidates, p)
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return c
		}
	}
	if os.Getenv("SKIP_BROWSER") == "1" {
		t.Skip("Chromium not found, and SKIP_BROWSER=1: browser test skipped")
	}
	t.Fatal("Chromium not found ($CHROMIUM_BIN, /usr/bin/chromium or chromium on the PATH): install Debian's chromium package (sudo apt-get install chromium, or run scripts/setup.sh test), or set SKIP_BROWSER=1 to skip the browser tests")
	return ""
}
