// Package migrations holds the numbered SQL files that build the schema.
package migrations

import "embed"

// FS holds the goose migrations, applied in order of their number.
//
//go:embed *.sql
var FS embed.FS
