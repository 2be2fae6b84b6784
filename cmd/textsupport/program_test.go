package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"textsupport/internal/config"
	"textsupport/templates"
)

// realProgram writes the built-in program with its placeholders replaced,
// as an operator would, and returns its path.
func realProgram(t *testing.T) string {
	t.Helper()
	raw, err := templates.FS.ReadFile("program.yaml")
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.NewReplacer("1-800-555-0142", "1-800-662-4357", "https://example.org/help", "https://provider.test/help").Replace(string(raw))
	if edited == string(raw) {
		t.Fatal("the built-in program's placeholders changed; update this test")
	}
	path := filepath.Join(t.TempDir(), "program.yaml")
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProgramCheck(t *testing.T) {
	t.Parallel()
	real := realProgram(t)
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
		want    []string // in stdout
	}{
		{name: "built in", wantErr: "placeholder content",
			want: []string{"support.phone: a fictional 555-01xx number", "support.url: an example address (example.org)"}},
		{name: "built in, allowed", args: []string{"--allow-placeholders"},
			want: []string{"placeholder content:", "the program is ready"}},
		{name: "replaced", env: map[string]string{"PROGRAM_FILE": real, "PUBLIC_URL": "https://texts.provider.test"},
			want: []string{"Terms: https://texts.provider.test/terms Privacy: https://texts.provider.test/privacy",
				"replies.confirmation", "sequence[11]", "the program is ready"}},
		{name: "bad flag", args: []string{"--registration"}, wantErr: "flag provided but not defined"},
		{name: "no such file", env: map[string]string{"PROGRAM_FILE": filepath.Join(t.TempDir(), "none.yaml")}, wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout bytes.Buffer
			err := run(t.Context(), append([]string{"textsupport", "program", "check"}, tt.args...), envFunc(tt.env), nil, &stdout, &bytes.Buffer{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("program check = %v\n%s", err, &stdout)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("program check = %v, want an error containing %q", err, tt.wantErr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("program check printed\n%s\nwant it to contain %q", &stdout, w)
				}
			}
			if strings.Contains(stdout.String(), "placeholder content:") != (tt.env["PROGRAM_FILE"] == "") && err == nil {
				t.Errorf("program check printed\n%s\nplaceholder content listed for the wrong program", &stdout)
			}
		})
	}
}

// A program file error says "program file" once.
func TestProgramFileErrorPrefix(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"program", "check"}, {"dev"}} {
		err := run(t.Context(), append([]string{"textsupport"}, args...),
			envFunc(map[string]string{"PROGRAM_FILE": filepath.Join(t.TempDir(), "none.yaml"), "DATABASE_URL": "postgres://127.0.0.1:1/none", "LISTEN_ADDR": "127.0.0.1:0"}),
			nil, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || strings.Count(err.Error(), "program file") != 1 {
			t.Errorf("%s with a missing program file = %v, want \"program file\" once", args, err)
		}
	}
}

// serve warns once about placeholder content, and not at all when it is
// replaced.
func TestLoadProgramPlaceholderWarning(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		file string
		want int
	}{{"", 1}, {realProgram(t), 0}} {
		var logs bytes.Buffer
		cfg := devConfig(t, map[string]string{"PROGRAM_FILE": tt.file, "PUBLIC_URL": "https://texts.provider.test"})
		if _, err := loadProgram(cfg, newLogger(&logs, 0)); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(logs.String(), "placeholder content"); got != tt.want {
			t.Errorf("PROGRAM_FILE=%q: %d placeholder warnings, want %d\n%s", tt.file, got, tt.want, &logs)
		}
		if strings.Contains(logs.String(), "555-0142") || strings.Contains(logs.String(), "5550142") {
			t.Errorf("the warning carries the number itself: %s", &logs)
		}
	}
}

func devConfig(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	cfg, err := config.Load(envFunc(env), config.Dev)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
