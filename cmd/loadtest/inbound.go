package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"textsupport/internal/pgserver"
	"textsupport/internal/twiliofake"
)

// inboundLoad sends signed inbound webhooks (JOIN from a new number each
// time: the heaviest path, with a new subscriber, a ledger row and a
// scheduled step) to the service running as its own process on real
// Postgres, then the same load to a bare handler that does one pgx upsert
// per request, and prints both.
func inboundLoad(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("inbound", flag.ExitOnError)
	n := fs.Int("n", 40000, "requests to send")
	c := fs.Int("c", 32, "concurrent clients")
	warm := fs.Int("warmup", 2000, "requests sent first and not measured")
	durable := fs.Bool("durable", true, "run Postgres with fsync on, as production would")
	pgStats := fs.Bool("pgstats", false, "print the statements Postgres spent most time on")
	fs.Parse(args)
	settings := map[string]string{}
	if *pgStats {
		settings["shared_preload_libraries"] = "pg_stat_statements"
	}

	tmp, err := os.MkdirTemp("", "textsupport-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Println("building the service…")
	bin, err := buildService(ctx, tmp)
	if err != nil {
		return err
	}
	pg, err := pgserver.Start(ctx, pgserver.Options{Durable: *durable, Settings: settings})
	if err != nil {
		return err
	}
	defer pg.Stop()
	dbURL, err := createDatabase(ctx, pg.URL, "load")
	if err != nil {
		return err
	}
	const sid, token = "AC0123456789abcdef0123456789abcdef", "loadtest-auth-token"
	fake := twiliofake.New(sid, token)
	defer fake.Close()
	key := make([]byte, 32)
	rand.Read(key)
	const public = "http://loadtest.invalid"

	srv, err := startProcess(ctx, bin, []string{"serve"}, []string{
		"DATABASE_URL=" + dbURL, "LISTEN_ADDR=127.0.0.1:0", "PUBLIC_URL=" + public,
		"TWILIO_ACCOUNT_SID=" + sid, "TWILIO_AUTH_TOKEN=" + token, "TWILIO_FROM=+12125550199",
		"TWILIO_API_URL=" + fake.URL, "DATA_KEY=" + base64.StdEncoding.EncodeToString(key), "LOG_LEVEL=warn",
	})
	if err != nil {
		return err
	}
	send := func(base string, offset int) func(*http.Client, int) bool {
		return func(client *http.Client, i int) bool {
			i += offset
			form := url.Values{
				"MessageSid": {fmt.Sprintf("SM%032x", i)}, "AccountSid": {sid},
				"From": {fmt.Sprintf("+1212%07d", 2000000+i)}, "To": {"+12125550199"},
				"Body": {"JOIN"}, "NumMedia": {"0"},
			}
			req, _ := http.NewRequest(http.MethodPost, base+"/twilio/sms", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Twilio-Signature", twiliofake.Sign(token, public+"/twilio/sms", form))
			resp, err := client.Do(req)
			if err != nil {
				return false
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode == 200 && strings.Contains(string(body), "<Message>")
		}
	}
	fmt.Printf("service: warming up with %d requests…\n", *warm)
	load(*warm, *c, send(srv.base, 0))
	fmt.Printf("service: %d signed JOIN webhooks from new numbers, concurrency %d…\n", *n, *c)
	ours := load(*n, *c, send(srv.base, *warm))
	rss := srv.peakRSS()
	srv.stop()
	if *pgStats {
		printStatements(ctx, pg.URL)
	}

	bareURL, err := createDatabase(ctx, pg.URL, "bare")
	if err != nil {
		return err
	}
	self, _ := os.Executable()
	bare, err := startProcess(ctx, self, []string{"bare-server", bareURL}, nil)
	if err != nil {
		return err
	}
	load(*warm, *c, bareSend(bare.base, 0))
	fmt.Printf("bare handler (one pgx upsert per request): %d requests, concurrency %d…\n", *n, *c)
	base := load(*n, *c, bareSend(bare.base, *warm))
	bare.stop()

	fmt.Println()
	fmt.Printf("%-8s %10s %10s %10s %8s %12s\n", "", "req/s", "p50", "p99", "errors", "peak RSS")
	fmt.Printf("%-8s %10.0f %10s %10s %8d %9.1f MB\n", "service", ours.rate(), ms(ours.pct(.50)), ms(ours.pct(.99)), ours.errors, rss)
	fmt.Printf("%-8s %10.0f %10s %10s %8d\n", "bare", base.rate(), ms(base.pct(.50)), ms(base.pct(.99)), base.errors)
	fmt.Printf("ratio service/bare: %.2f   (Postgres fsync %v)\n", ours.rate()/base.rate(), *durable)
	return nil
}

func bareSend(base string, offset int) func(*http.Client, int) bool {
	return func(client *http.Client, i int) bool {
		form := url.Values{"MessageSid": {fmt.Sprintf("SM%032x", i+offset)}, "From": {fmt.Sprintf("+1212%07d", 2000000+i+offset)}, "Body": {"JOIN"}}
		resp, err := client.PostForm(base+"/", form)
		if err != nil {
			return false
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode == 200
	}
}

// bareServer is the baseline: parse the form, one upsert, answer TwiML.
func bareServer(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: bare-server DATABASE_URL")
	}
	pool, err := pgxpool.New(ctx, args[0])
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS bare (phone text PRIMARY KEY, sid text NOT NULL, n int NOT NULL)`); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		_, err := pool.Exec(r.Context(), `INSERT INTO bare (phone, sid, n) VALUES ($1, $2, 1) ON CONFLICT (phone) DO UPDATE SET n = bare.n + 1, sid = EXCLUDED.sid`,
			r.PostForm.Get("From"), r.PostForm.Get("MessageSid"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Response/>`)
	})
	srv := &http.Server{Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	fmt.Printf("listening on http://%s\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		return err
	}
	return nil
}

func createDatabase(ctx context.Context, serverURL, name string) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u, _ := url.Parse(serverURL)
	u.Path = "/" + name
	return u.String(), nil
}

var _ = time.Second
