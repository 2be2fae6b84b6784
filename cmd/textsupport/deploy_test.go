package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"textsupport/internal/config"
)

// What can be checked of the Dockerfile and docker-compose.yml without a
// Docker engine: the commands they run exist, the settings they pass are
// ones the service reads, the image does not run as root.

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct{ cmd, args string }

// dockerfileStages reads the Dockerfile into its build stages.
func dockerfileStages(t *testing.T) [][]instruction {
	t.Helper()
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	var line strings.Builder
	for _, l := range strings.Split(string(raw), "\n") {
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if cont, ok := strings.CutSuffix(l, "\\"); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(l)
		cmd, args, _ := strings.Cut(strings.TrimSpace(line.String()), " ")
		line.Reset()
		in := instruction{strings.ToUpper(cmd), strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("Dockerfile: %s before FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) == 0 {
		t.Fatal("Dockerfile: no FROM")
	}
	return stages
}

// execForm reads a JSON array argument (exec form), failing the test on
// the shell form.
func execForm(t *testing.T, what, args string) []string {
	t.Helper()
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		t.Fatalf("Dockerfile %s %s: want exec form, a JSON array (no shell in the image needed)", what, args)
	}
	return argv
}

// knownCommand says whether run knows the subcommand args[0]: run it with
// nothing configured and see it is not refused as unknown.
func knownCommand(t *testing.T, args ...string) bool {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // nothing may start
	err := run(ctx, append([]string{"textsupport"}, args...), envFunc(nil), strings.NewReader(""), &bytes.Buffer{}, &bytes.Buffer{})
	return err == nil || !strings.Contains(err.Error(), "unknown command")
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	stages := dockerfileStages(t)
	final := stages[len(stages)-1]
	last := func(cmd string) (instruction, bool) {
		for i := len(final) - 1; i >= 0; i-- {
			if final[i].cmd == cmd {
				return final[i], true
			}
		}
		return instruction{}, false
	}

	user, ok := last("USER")
	if !ok {
		t.Fatal("Dockerfile: the image has no USER, so it runs as root")
	}
	name, _, _ := strings.Cut(user.args, ":")
	if name == "root" || name == "0" || strings.Trim(name, "0") == "" {
		t.Errorf("Dockerfile USER %s: runs as root", user.args)
	}
	created := false
	for _, in := range final {
		if in.cmd == "RUN" && regexp.MustCompile(`useradd\b.*(--uid\s+`+regexp.QuoteMeta(name)+`\b|\s`+regexp.QuoteMeta(name)+`$)`).MatchString(in.args) {
			created = true
		}
	}
	if !created {
		t.Errorf("Dockerfile USER %s: no useradd in the final stage creates it", user.args)
	}

	entry, ok := last("ENTRYPOINT")
	if !ok {
		t.Fatal("Dockerfile: no ENTRYPOINT")
	}
	if argv := execForm(t, "ENTRYPOINT", entry.args); !slices.Equal(argv, []string{"textsupport"}) {
		t.Errorf("Dockerfile ENTRYPOINT %q, want [\"textsupport\"]: the commands below are its arguments", argv)
	}
	if cmd, ok := last("CMD"); !ok {
		t.Error("Dockerfile: no CMD")
	} else if argv := execForm(t, "CMD", cmd.args); !knownCommand(t, argv...) {
		t.Errorf("Dockerfile CMD %q: textsupport has no such command", argv)
	}
	for _, in := range final {
		if in.cmd != "ENV" {
			continue
		}
		name, _, _ := strings.Cut(strings.Fields(in.args)[0], "=")
		if !slices.Contains(config.Names(), name) {
			t.Errorf("Dockerfile ENV %s: not a setting the service reads (internal/config/settings.go)", name)
		}
	}

	// HEALTHCHECK [OPTIONS] CMD ["textsupport", "healthcheck", ...]: the
	// binary itself, which must answer ready when /readyz at LISTEN_ADDR
	// says so.
	hc, ok := last("HEALTHCHECK")
	if !ok {
		t.Fatal("Dockerfile: no HEALTHCHECK")
	}
	_, cmd, ok := strings.Cut(hc.args, "CMD ")
	if !ok {
		t.Fatalf("Dockerfile HEALTHCHECK %s: want CMD [...]", hc.args)
	}
	argv := execForm(t, "HEALTHCHECK", strings.TrimSpace(cmd))
	if argv[0] != "textsupport" || len(argv) < 2 {
		t.Fatalf("Dockerfile HEALTHCHECK %q: want the service's own binary", argv)
	}
	readyz := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.Write([]byte(`{"status":"ready"}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer readyz.Close()
	err := run(context.Background(), argv, envFunc(map[string]string{"LISTEN_ADDR": readyz.Listener.Addr().String()}),
		nil, &bytes.Buffer{}, &bytes.Buffer{})
	if err != nil {
		t.Errorf("Dockerfile HEALTHCHECK %q against a ready service: %v", argv, err)
	}
}

func TestDockerCompose(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Build       any               `yaml:"build"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(raw, &compose); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	svc, ok := compose.Services["textsupport"]
	if !ok || svc.Build == nil {
		t.Fatal("docker-compose.yml: no textsupport service built from the Dockerfile")
	}
	if len(svc.Command) > 0 && !knownCommand(t, svc.Command...) {
		t.Errorf("docker-compose.yml command %q: textsupport has no such command", svc.Command)
	}
	if len(svc.Environment) == 0 {
		t.Error("docker-compose.yml: the textsupport service passes no settings")
	}
	for name := range svc.Environment {
		if !slices.Contains(config.Names(), name) {
			t.Errorf("docker-compose.yml passes %s: not a setting the service reads (internal/config/settings.go)", name)
		}
	}
	for _, name := range []string{"DATABASE_URL", "DATA_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PUBLIC_URL"} {
		if _, ok := svc.Environment[name]; !ok {
			t.Errorf("docker-compose.yml does not pass %s, which serve needs", name)
		}
	}
}

// The one-off commands README.md and docker-compose.yml show
// (`docker compose run --rm textsupport CMD …`) are commands textsupport has.
func TestDocumentedComposeCommands(t *testing.T) {
	t.Parallel()
	oneOff := regexp.MustCompile(`docker compose run --rm(?: -T)? textsupport ([a-z]+(?: [a-z]+)?)`)
	for _, file := range []string{"../../README.md", "../../docker-compose.yml"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		found := oneOff.FindAllStringSubmatch(string(raw), -1)
		if len(found) < 3 {
			t.Errorf("%s shows %d one-off docker compose commands, want migrate, staff add and token create", file, len(found))
		}
		for _, m := range found {
			if !knownCommand(t, strings.Fields(m[1])...) {
				t.Errorf("%s: docker compose run … textsupport %s: no such command", file, m[1])
			}
		}
	}
}
