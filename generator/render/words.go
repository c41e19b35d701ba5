package render

import (
	"fmt"
	"strings"

	"haven/generator/markdown"
	"haven/generator/programme"
)

// Minutes writes a length of time for people: "45 minutes", "1 hour",
// "1 hour 30 minutes", "2 hours 15 minutes".
func Minutes(m int) string {
	if m <= 0 {
		return ""
	}
	h, rest := m/60, m%60
	var parts []string
	switch h {
	case 0:
	case 1:
		parts = append(parts, "1 hour")
	default:
		parts = append(parts, fmt.Sprintf("%d hours", h))
	}
	switch rest {
	case 0:
	case 1:
		parts = append(parts, "1 minute")
	default:
		parts = append(parts, fmt.Sprintf("%d minutes", rest))
	}
	return strings.Join(parts, " ")
}

var deliveryWords = map[string]string{
	"group":      "group",
	"one-to-one": "one to one",
	"online":     "online",
	"in-person":  "in person",
}

// Delivery writes a session's delivery modes as a phrase: "Group or one to
// one; online or in person".
func Delivery(modes []string) string {
	var who, where []string
	for _, m := range modes {
		w := deliveryWords[m]
		switch m {
		case "group", "one-to-one":
			who = append(who, w)
		default:
			where = append(where, w)
		}
	}
	var parts []string
	if len(who) > 0 {
		parts = append(parts, strings.Join(who, " or "))
	}
	if len(where) > 0 {
		parts = append(parts, strings.Join(where, " or "))
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// GroupSize writes a group size: "6 people", "4 to 8 people".
func GroupSize(lo, hi int) string {
	switch {
	case hi == 0:
		return ""
	case lo == hi && lo == 1:
		return "1 person"
	case lo == hi:
		return fmt.Sprintf("%d people", lo)
	}
	return fmt.Sprintf("%d to %d people", lo, hi)
}

// Clock writes minutes from a session's start as h:mm ("0:15", "1:05").
func Clock(m int) string { return fmt.Sprintf("%d:%02d", m/60, m%60) }

// TimeRange writes when an activity runs: "18:30–18:45" from a clock
// start, or "0:00–0:15" from the start of the session.
func TimeRange(offset, minutes int, start string) string {
	if start != "" {
		return programme.ClockAdd(start, offset) + "–" + programme.ClockAdd(start, offset+minutes)
	}
	return Clock(offset) + "–" + Clock(offset+minutes)
}

// ActivityLabel is shown beside each activity heading:
// "18:30–18:45 · 15 minutes".
func ActivityLabel(t *markdown.ActivityTime) string {
	return TimeRange(t.Offset, t.Minutes, t.Start) + " · " + Minutes(t.Minutes)
}
