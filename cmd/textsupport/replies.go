package main

import (
	"textsupport/internal/program"
)

// inboundReplies maps reply names to the programme's texts. The inbound
// side's names (inbound.ReplyHelp, …) are the program file's keys.
func inboundReplies(p *program.Program) map[string]string {
	return p.Replies.ByName()
}
