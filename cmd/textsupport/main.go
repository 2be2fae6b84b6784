// Command textsupport runs the text-support service: `serve` for
// production, `dev` for a zero-setup demo, and the operator commands
// `migrate`, `staff add`, `token create`, `program check` and
// `healthcheck`.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "textsupport:", err)
		os.Exit(1)
	}
}

const usage = `usage: textsupport <command>

commands:
  serve                                 run the HTTP server and background sending
  migrate                               apply database migrations and exit
  dev [--data DIR]                      run a local demo: own Postgres, simulated carrier, phone simulator
  staff add EMAIL --role admin|responder|viewer   create a staff login (password: first line of stdin)
  staff disable|enable EMAIL            stop a login from signing in, or let it again
  staff role EMAIL admin|responder|viewer   change a login's role
  staff reset-password EMAIL            set a login's password (first line of stdin)
  token create NAME [--scope S]         create an API token (scope stats or metrics) and print it once
  program check [--allow-placeholders]  check the program file as serve loads it; print each text's cost
  healthcheck [URL]                     exit 0 if the service at URL (default: /readyz at LISTEN_ADDR) is ready
  corpus export [--include-bodies]      write the messages staff marked misread as CSV
  rekey [--batch N]                     re-encrypt everything kept under the newest key of DATA_KEYS

Settings come from the environment; see README.md.
`

// run is the whole program; main only supplies the outside world, so tests
// can run it as it runs in production.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("no command given")
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "serve":
		return cmdServe(ctx, getenv, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, getenv, stdout)
	case "dev":
		return cmdDev(ctx, rest, getenv, stdout, stderr)
	case "staff":
		return cmdStaff(ctx, rest, getenv, stdin, stdout)
	case "token":
		return cmdToken(ctx, rest, getenv, stdout)
	case "program":
		return cmdProgram(rest, getenv, stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, getenv, stdout)
	case "corpus":
		return cmdCorpus(ctx, rest, getenv, stdout, stderr)
	case "rekey":
		return cmdRekey(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
