package twiliofake

import sms "textsupport/internal/message"

// Segments counts the SMS segments of body as the carrier reports them in
// num_segments, with the service's own rules (GSM-7 160/153, UCS-2 70/67);
// an empty body has none.
func Segments(body string) int {
	if body == "" {
		return 0
	}
	n, _ := sms.Segments(body)
	return n
}
