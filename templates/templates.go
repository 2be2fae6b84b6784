// Package templates holds the files the service renders: HTML pages, SMS
// texts and the default program file.
package templates

import "embed"

// FS holds every file in this folder.
//
//go:embed *.yaml *.html
var FS embed.FS
