package config

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
)

// README.md's "Settings" table lists exactly the variables in settings,
// each with the default Load uses: a reader of either sees the same.
func TestREADMESettingsTable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	documented, err := settingsTable(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	inCode := map[string]bool{}
	for _, s := range settings {
		inCode[s.name] = true
		if s.doc == "" {
			t.Errorf("%s has no doc in settings", s.name)
		}
		got, ok := documented[s.name]
		if !ok {
			t.Errorf("%s is in settings but not in README.md's Settings table; add a row with default %s", s.name, s.documentedDefault())
			continue
		}
		if want := s.documentedDefault(); got != want {
			t.Errorf("%s: README.md's Settings table gives default %q, settings give %q", s.name, got, want)
		}
	}
	for name := range documented {
		if !inCode[name] {
			t.Errorf("%s is in README.md's Settings table but not in settings (internal/config/settings.go)", name)
		}
	}
}

var settingName = regexp.MustCompile("`([A-Z][A-Z0-9_]+)`")

// settingsTable reads the table under "### Settings": each variable named
// in a row's first cell, with that row's default column. A row may name
// several variables ("`TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`").
func settingsTable(readme string) (map[string]string, error) {
	_, section, ok := strings.Cut(readme, "\n### Settings\n")
	if !ok {
		return nil, errNoTable
	}
	defaults := map[string]string{}
	inTable := false
	for _, line := range strings.Split(section, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 3 || strings.Trim(cells[0], " -") == "" || strings.TrimSpace(cells[0]) == "variable" {
			continue // the heading, its rule, or a row we cannot read
		}
		for _, m := range settingName.FindAllStringSubmatch(cells[0], -1) {
			defaults[m[1]] = strings.TrimSpace(cells[2])
		}
	}
	if len(defaults) == 0 {
		return nil, errNoTable
	}
	return defaults, nil
}

var errNoTable = errors.New(`README.md has no "### Settings" table of | variable | meaning | default |`)
