package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"textsupport/internal/config"
	"textsupport/internal/program"
)

// loadProgram loads the program file as the service uses it, with links
// made absolute on PUBLIC_URL, and logs what the operator should know:
// warnings, and once, placeholder content still in it.
func loadProgram(cfg *config.Config, logger *slog.Logger) (*program.Program, error) {
	prog, err := program.LoadFor(cfg.ProgramFile, cfg.PublicURL)
	if err != nil {
		return nil, err
	}
	for _, w := range prog.Warnings {
		logger.Warn("program file", slog.String("warning", w))
	}
	if len(prog.Placeholders) > 0 {
		logger.Warn("the program file still carries placeholder content: replace it before texting real people (textsupport program check lists it)",
			slog.Any("fields", placeholderFields(prog)))
	}
	for _, line := range prog.SegmentReport() {
		logger.Debug("program message", slog.String("segments", line))
	}
	return prog, nil
}

// placeholderFields names the fields with placeholder content, without
// their values.
func placeholderFields(prog *program.Program) []string {
	var fields []string
	for _, p := range prog.Placeholders {
		field, _, _ := strings.Cut(p, ":")
		fields = append(fields, field)
	}
	return fields
}

// cmdProgram: program check [--allow-placeholders] loads PROGRAM_FILE (or
// the built-in program) as serve would and prints every text with its cost,
// the warnings, and the placeholder content, which fails the check unless
// allowed.
func cmdProgram(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const usage = "usage: textsupport program check [--allow-placeholders]"
	if len(args) == 0 || args[0] != "check" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("program check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	allow := fs.Bool("allow-placeholders", false, "pass even with example links and fictional numbers (a demo)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New(usage)
	}
	// Dev mode reads PROGRAM_FILE and PUBLIC_URL without needing serve's
	// secrets; an unset PUBLIC_URL is serve's default.
	cfg, err := config.Load(getenv, config.Dev)
	if err != nil {
		return err
	}
	if cfg.PublicURL == nil {
		cfg.PublicURL = program.LocalURL
	}
	prog, err := program.LoadFor(cfg.ProgramFile, cfg.PublicURL)
	if err != nil {
		return err
	}
	source := cfg.ProgramFile
	if source == "" {
		source = "the built-in program (templates/program.yaml)"
	}
	fmt.Fprintf(stdout, "%s: %s, links on %s\n\n", source, prog.Name, cfg.PublicURL)
	texts := prog.Texts()
	for i, line := range prog.SegmentReport() {
		fmt.Fprintf(stdout, "%s\n    %s\n", line, texts[i])
	}
	section := func(title string, lines []string) {
		if len(lines) > 0 {
			fmt.Fprintf(stdout, "\n%s:\n  %s\n", title, strings.Join(lines, "\n  "))
		}
	}
	section("warnings", prog.Warnings)
	section("placeholder content", prog.Placeholders)
	if len(prog.Placeholders) > 0 && !*allow {
		return errors.New("the program still carries placeholder content (listed above): replace it, or pass --allow-placeholders for a demo")
	}
	fmt.Fprintln(stdout, "\nthe program is ready")
	return nil
}
