package carrier

// Message statuses as Twilio reports them (MessageEnumStatus in twilio-go's
// api/v2010 and the Message resource docs). A status callback is not sent
// for a message's initial status: queued without a Messaging Service,
// accepted (or scheduled) with one.
//
// rank orders them so an out-of-order callback never moves a message back:
// apply a callback only when StatusRank(new) > StatusRank(current).
// delivered, undelivered, failed, canceled and partially_delivered share a
// rank, so the first final status wins. read ranks above them because on
// WhatsApp and RCS it legitimately follows delivered. receiving and
// received are inbound statuses and rank 0 like any unknown status.
var statuses = map[string]struct {
	rank  int
	final bool
}{
	"accepted":            {rank: 1},
	"scheduled":           {rank: 1},
	"queued":              {rank: 2},
	"sending":             {rank: 3},
	"sent":                {rank: 4},
	"delivered":           {rank: 5, final: true},
	"undelivered":         {rank: 5, final: true},
	"failed":              {rank: 5, final: true},
	"canceled":            {rank: 5, final: true},
	"partially_delivered": {rank: 5, final: true},
	"read":                {rank: 6, final: true},
}

// IsFinal reports whether status settles the message's outcome: delivered,
// undelivered, failed, canceled, partially_delivered, and read (which comes
// after delivered, so is delivered too).
func IsFinal(status string) bool { return statuses[status].final }

// StatusRank orders outbound statuses: accepted/scheduled < queued <
// sending < sent < delivered|undelivered|failed|canceled|partially_delivered
// < read. Unknown statuses rank 0.
func StatusRank(status string) int { return statuses[status].rank }

// Effect is what a status callback's ErrorCode means for the subscriber.
type Effect int

const (
	EffectNone     Effect = iota // nothing about the subscriber changes (30003 and other temporary or content errors)
	EffectInvalid                // the number cannot receive: mark the subscriber invalid
	EffectOptedOut               // the person opted out with the carrier: mark stopped, source "carrier"
)

func (e Effect) String() string {
	switch e {
	case EffectInvalid:
		return "invalid"
	case EffectOptedOut:
		return "opted_out"
	default:
		return "none"
	}
}

// callbackEffects is the meaning of callback error codes, as data.
// 30003 (unreachable handset) is often temporary (phone off, no signal) and
// 30001 (queue overflow / validity period expired), 30007 (carrier
// filtering) and 30008 (unknown) are about the sending, not the number, so
// none of them is here. The 21xxx codes arrive in callbacks too when a
// Messaging Service validates after accepting the message.
var callbackEffects = map[int]Effect{
	30004: EffectInvalid, // message blocked (by the recipient or their carrier)
	30005: EffectInvalid, // unknown destination handset: the number does not exist
	30006: EffectInvalid, // landline or unreachable carrier
	21211: EffectInvalid,
	21614: EffectInvalid,
	21635: EffectInvalid,
	21610: EffectOptedOut,
}

// CallbackEffect maps a status callback's ErrorCode to its Effect.
func CallbackEffect(errorCode int) Effect { return callbackEffects[errorCode] }
