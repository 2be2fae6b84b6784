// Package phone turns what people type or what the carrier sends into E.164
// numbers, and tells which time zones a number may be in.
package phone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegions are the countries the service texts unless configured otherwise.
var DefaultRegions = []string{"US", "CA"}

var (
	ErrInvalid    = errors.New("not a valid phone number")
	ErrNotAllowed = errors.New("numbers from that country are not accepted")
)

// Normalize parses raw (as typed on a form, or as the carrier sends it) in the
// context of the first allowed region and returns it in E.164. The number
// must be valid and belong to one of the allowed regions.
func Normalize(raw string, allowed []string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 32 {
		return "", ErrInvalid
	}
	if len(allowed) == 0 {
		allowed = DefaultRegions
	}
	num, err := phonenumbers.Parse(raw, allowed[0])
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrInvalid
	}
	if !slices.Contains(allowed, phonenumbers.GetRegionCodeForNumber(num)) {
		return "", ErrNotAllowed
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// E164 checks that a number from the carrier is already in E.164 form
// (a plus sign and 8 to 15 digits) and returns it unchanged.
func E164(s string) (string, error) {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] == '0' {
		return "", fmt.Errorf("%w: not in E.164 form", ErrInvalid)
	}
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("%w: not in E.164 form", ErrInvalid)
		}
	}
	return s, nil
}

// Last4 is the part of a number that may be shown: its last four digits.
func Last4(e164 string) string {
	if len(e164) <= 4 {
		return ""
	}
	return e164[len(e164)-4:]
}

// Mask shows a number as staff may see it: everything but the last four digits hidden.
func Mask(last4 string) string {
	return "•••-•••-" + last4
}

// TimeZones returns the IANA zones a number may be in, sorted. For North
// American numbers that is every zone of the whole area code: people keep
// their number when they move, so the exchange tells less than it seems,
// and several area codes span two zones. A number not in the time-zone data
// gives none, and so does a non-geographic one (toll-free, 5XX, 600, 700,
// 900 and the like): it says nothing of where the person is, and every
// zone at once would leave only a sliver of the day open (the caller uses
// its default zone instead).
func TimeZones(e164 string) []string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return nil
	}
	if num.GetCountryCode() == 1 && len(e164) == 12 {
		npa := e164[2:5]
		if NonGeographic(e164) {
			return nil
		}
		if zones, ok := areaCodeZones.Load(npa); ok {
			return zones.([]string)
		}
		set := map[string]bool{}
		for nxx := 200; nxx <= 999; nxx++ {
			for _, z := range zonesOf(fmt.Sprintf("+1%s%d0000", npa, nxx)) {
				set[z] = true
			}
		}
		zones := make([]string, 0, len(set))
		for z := range set {
			zones = append(zones, z)
		}
		slices.Sort(zones)
		if len(zones) > maxAreaCodeZones {
			// The data's answer for the whole country (an area code not in
			// service): it says nothing of where the person is.
			zones = nil
		}
		areaCodeZones.Store(npa, zones)
		return zones
	}
	zones := zonesOf(e164)
	slices.Sort(zones)
	return zones
}

// NonGeographic tells whether a North American number's area code is a
// service code rather than a place: N00 (500, 600, 700, 800, 900),
// toll-free (8XX with a repeated digit, 880 to 889), the easily
// recognisable 5XX personal codes, 622 and 710, or a number libphonenumber
// types as toll-free, premium rate, personal or shared cost.
func NonGeographic(e164 string) bool {
	if len(e164) != 12 || !strings.HasPrefix(e164, "+1") {
		return false
	}
	npa := e164[2:5]
	switch {
	case npa[1:] == "00",
		npa[0] == '8' && (npa[1] == npa[2] || npa[1] == '8'),
		npa[0] == '5' && (npa[1] == npa[2] || npa[1] == '2' && npa[2] != '0'),
		npa == "622", npa == "710":
		return true
	}
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return false
	}
	switch phonenumbers.GetNumberType(num) {
	case phonenumbers.TOLL_FREE, phonenumbers.PREMIUM_RATE, phonenumbers.PERSONAL_NUMBER, phonenumbers.SHARED_COST, phonenumbers.UAN:
		return true
	}
	return false
}

// maxAreaCodeZones is the most zones one area code in service spans (867:
// Yukon, Northwest Territories, Nunavut); more is the data's fallback.
const maxAreaCodeZones = 6

// WideAreaCodes are the North American area codes whose zones lie
// furthest apart, with the most time between their clocks over a year; a
// send window no longer than that never opens in all of an area code's
// zones at once. Most other area codes in two zones are an hour apart
// (TwoZoneSpread). TestWideAreaCodes checks the figures against the data.
var WideAreaCodes = []struct {
	NPA    string
	Spread time.Duration
}{{"867", 3 * time.Hour}, {"907", 2 * time.Hour}}

// TwoZoneSpread is how far apart the zones of the other area codes that
// span two (850, 219, 541 and a score more) are.
const TwoZoneSpread = time.Hour

// areaCodeZones caches TimeZones per North American area code.
var areaCodeZones sync.Map

func zonesOf(e164 string) []string {
	num, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return nil
	}
	zones, err := phonenumbers.GetTimezonesForNumber(num)
	if err != nil {
		return nil
	}
	var out []string
	for _, z := range zones {
		if z != "" && z != phonenumbers.UNKNOWN_TIMEZONE {
			out = append(out, z)
		}
	}
	return out
}
