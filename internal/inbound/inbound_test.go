package inbound_test

import (
	"bytes"
	"context"
	"testing"

	"textsupport/internal/inbound"
	"textsupport/internal/pgtest"
	"textsupport/internal/program"
	"textsupport/internal/sending"
	"textsupport/internal/store"
	"textsupport/internal/vault"
)

// An opt-out whose caller has gone (Twilio stopped waiting, the connection
// dropped) is still recorded: nothing depends on the request staying open.
func TestOptOutSurvivesCallerLeaving(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	v, _ := vault.New(bytes.Repeat([]byte{3}, 32))
	prog, err := program.Load("")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := sending.New(sending.Config{DB: db, Vault: v, Program: prog, NoWork: true})
	if err != nil {
		t.Fatal(err)
	}
	svc := &inbound.Service{DB: db, Vault: v, Replies: prog.Replies.ByName(), JoinKeywords: prog.Keywords, Subscriptions: sender}
	if _, err := svc.Handle(context.Background(), inbound.Message{SID: "SM00000000000000000000000000000001", From: "+12125550190", Body: "JOIN"}); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := svc.Handle(gone, inbound.Message{SID: "SM00000000000000000000000000000002", From: "+12125550190", Body: "please stop texting me"})
	if err != nil {
		t.Fatalf("Handle with the caller gone = %v, want the opt-out recorded", err)
	}
	sub, err := pgtest.FindSubscriberByHash(context.Background(), db, v.Hash("+12125550190"))
	if err != nil || sub.State != store.Stopped || res.Reply != inbound.ReplyStop {
		t.Fatalf("after the opt-out: %v %v, reply %q; want stopped with the STOP reply", sub, err, res.Reply)
	}
}
