# Build the service, then run it as an unprivileged user on a small image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/textsupport ./cmd/textsupport

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 textsupport \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin textsupport
COPY --from=build /out/textsupport /usr/local/bin/textsupport
# Numeric, so an orchestrator can tell the user is not root without
# reading /etc/passwd (Kubernetes' runAsNonRoot).
USER 10001:10001
ENV LISTEN_ADDR=:8080
EXPOSE 8080
# The binary asks its own /readyz (database reachable, migrations current);
# exec form, no shell. serve migrates before it listens: start-period.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["textsupport", "healthcheck"]
ENTRYPOINT ["textsupport"]
CMD ["serve"]
