# The two commands: `make dev` runs the whole service locally, `make test` runs every test.
GO ?= go

.PHONY: dev test build vet fmt bench-inbound bench-send bench-dashboard ci

# Each of the two installs what it needs first, or says what to install
# (scripts/setup.sh).
# dev runs the built binary, not `go run`: go run exits 1 after Ctrl-C
# whatever the program does, and make would report it as an error.
dev:
	@sh scripts/setup.sh dev
	$(GO) build -o bin/textsupport ./cmd/textsupport
	bin/textsupport dev

# Every test, against real Postgres (started by the tests themselves unless
# TEST_DATABASE_URL names one) and real headless Chromium for the browser
# tests, which fail without it unless SKIP_BROWSER=1.
test:
	@sh scripts/setup.sh test
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 25m ./...

build:
	$(GO) build -o bin/textsupport ./cmd/textsupport

vet:
	$(GO) vet ./...

fmt:
	gofmt -w cmd internal migrations templates

# Load test of POST /twilio/sms against a running service on real Postgres.
bench-inbound:
	$(GO) run ./cmd/loadtest inbound

# Sending-side benchmark: seeds subscribers and measures sends against the fake carrier.
bench-send:
	$(GO) run ./cmd/loadtest send

# Dashboard benchmark: a million subscribers with a year of history.
bench-dashboard:
	$(GO) run ./cmd/loadtest dashboard

ci:
	bash .ci/run
