// Package pgserver runs a throwaway PostgreSQL server from the machine's own
// Postgres programs: the database behind `textsupport dev` and behind tests
// when no TEST_DATABASE_URL is given.
package pgserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Options say where the server keeps its data and how it runs.
type Options struct {
	// DataDir keeps the cluster; empty means a temporary folder removed by Stop.
	DataDir string
	// Port to listen on at 127.0.0.1; 0 picks a free one.
	Port int
	// Durable keeps fsync on. Off, the server is faster and a crash may lose data,
	// which is fine for tests and demos.
	Durable bool
	// Settings are extra postgres -c settings, name → value.
	Settings map[string]string
}

// Server is a running PostgreSQL server owned by this process.
type Server struct {
	URL string // connection string for the "postgres" database as superuser postgres
	// SocketURL is the same through the server's Unix socket: cheaper per
	// round trip than TCP, for a client on the same machine.
	SocketURL string
	DataDir   string
	Port      int

	cmd     *exec.Cmd
	tempDir string // removed on Stop when the data folder was ours
	done    chan error
	log     *bytes.Buffer
}

// BinDir finds the folder that holds initdb and postgres: pg_config --bindir,
// then Debian's /usr/lib/postgresql/<version>/bin, newest first.
func BinDir() (string, error) {
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dir := strings.TrimSpace(string(out))
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, dir := range dirs {
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("postgres server programs not found: install the postgresql package (Debian: apt-get install postgresql)")
}

func versionOf(dir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return v
}

// Start initialises a cluster (unless DataDir already holds one) and starts
// postgres on 127.0.0.1. As root it runs the server as the postgres user,
// since Postgres refuses to run as root.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := BinDir()
	if err != nil {
		return nil, err
	}
	cred, err := serverCredential()
	if err != nil {
		return nil, err
	}
	s := &Server{DataDir: opts.DataDir, Port: opts.Port, done: make(chan error, 1), log: new(bytes.Buffer)}
	if s.DataDir == "" {
		removeAbandoned()
		tmp, err := os.MkdirTemp("", "textsupport-pg-")
		if err != nil {
			return nil, err
		}
		s.tempDir = tmp
		s.DataDir = filepath.Join(tmp, "data")
	}
	fail := func(err error) (*Server, error) {
		s.cleanup()
		return nil, err
	}
	if err := os.MkdirAll(s.DataDir, 0o700); err != nil {
		return fail(err)
	}
	sockDir := filepath.Join(s.DataDir, "socket")
	if s.tempDir != "" {
		sockDir = filepath.Join(s.tempDir, "socket")
	}
	if err := os.MkdirAll(sockDir, 0o700); err != nil {
		return fail(err)
	}
	if cred != nil {
		for _, dir := range []string{s.tempDir, s.DataDir, sockDir} {
			if dir != "" {
				if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
					return fail(err)
				}
			}
		}
	}

	if _, err := os.Stat(filepath.Join(s.DataDir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
			"-D", s.DataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
		initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := initdb.CombinedOutput(); err != nil {
			return fail(fmt.Errorf("initdb: %w: %s", err, lastLines(out, 5)))
		}
	}

	if s.Port == 0 {
		if s.Port, err = freePort(); err != nil {
			return fail(err)
		}
	}
	args := []string{"-D", s.DataDir, "-p", strconv.Itoa(s.Port), "-k", sockDir,
		"-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "shared_buffers=256MB"}
	if !opts.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	for name, value := range opts.Settings {
		args = append(args, "-c", name+"="+value)
	}
	s.cmd = exec.Command(filepath.Join(bin, "postgres"), args...)
	// Its own process group: a Ctrl-C meant for us must not kill the
	// database before we have stopped using it.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGTERM}
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	if err := s.cmd.Start(); err != nil {
		return fail(fmt.Errorf("start postgres: %w", err))
	}
	go func() { s.done <- s.cmd.Wait() }()

	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
	s.SocketURL = (&url.URL{Scheme: "postgres", User: url.User("postgres"), Path: "/postgres",
		RawQuery: url.Values{"host": {sockDir}, "port": {strconv.Itoa(s.Port)}, "sslmode": {"disable"}}.Encode()}).String()
	if err := s.waitReady(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		// The port opens before the server accepts connections ("the
		// database system is starting up"): wait for a real connection.
		cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(cctx, s.URL)
		cancel()
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("postgres exited: %v: %s", err, lastLines(s.log.Bytes(), 5))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not start within 30s: %s", lastLines(s.log.Bytes(), 5))
		}
	}
}

// EnsureDatabase creates the named database unless the server has it, and
// returns its URL.
func (s *Server) EnsureDatabase(ctx context.Context, name string) (string, error) {
	u, err := url.Parse(s.URL)
	if err != nil {
		return "", err
	}
	conn, err := pgx.Connect(ctx, s.URL)
	if err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("create database: %w", err)
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
			return "", fmt.Errorf("create database: %w", err)
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Stop shuts the server down (fast shutdown) and removes a temporary data folder.
func (s *Server) Stop() error {
	var err error
	if s.cmd != nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(syscall.SIGINT)
		select {
		case err = <-s.done:
		case <-time.After(15 * time.Second):
			_ = s.cmd.Process.Kill()
			err = <-s.done
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			err = nil // postgres exits non-zero on a fast shutdown signal in some versions
		}
	}
	s.cleanup()
	return err
}

func (s *Server) cleanup() {
	if s.tempDir != "" {
		os.RemoveAll(s.tempDir)
	}
}

// serverCredential returns the postgres user's identity when we are root.
func serverCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, errors.New("running as root needs a postgres system user to own the server (Debian's postgresql package creates it)")
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// removeAbandoned deletes temporary clusters whose server is gone: a test
// process that exits cannot stop the server it started (the kernel ends it),
// so its folder is cleaned up by the next start.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "textsupport-pg-*"))
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil || time.Since(info.ModTime()) < time.Minute {
			continue // just made: may still be starting
		}
		pidFile, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
		if err == nil {
			pid, _ := strconv.Atoi(strings.SplitN(string(pidFile), "\n", 2)[0])
			if pid > 0 && syscall.Kill(pid, 0) == nil {
				continue // its server is running
			}
		}
		os.RemoveAll(dir)
	}
}
