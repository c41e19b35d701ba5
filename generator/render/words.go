package render

import (
	"fmt"
	"strings"

	"haven/generator/markdown"
	"haven/generator/programme"
	"haven/generator/theme"
)

// Text writes lengths of time, delivery and group sizes for people, in the
// theme's words: "1 hour 30 minutes", not "90m".
type Text struct{ W *theme.Words }

// Minutes writes a length of time: "45 minutes", "1 hour", "1 hour 30
// minutes".
func (t Text) Minutes(m int) string {
	if m <= 0 {
		return ""
	}
	h, rest := m/60, m%60
	switch {
	case h == 0:
		return t.W.Plural("minutes", rest)
	case rest == 0:
		return t.W.Plural("hours", h)
	}
	return t.W.T("and_minutes", "hours", t.W.Plural("hours", h), "minutes", t.W.Plural("minutes", rest))
}

// Delivery writes a session's delivery modes as a phrase: "Group or one to
// one, online or in person".
func (t Text) Delivery(modes []string) string {
	var who, where []string
	for _, m := range modes {
		w := t.W.T("delivery_" + strings.ReplaceAll(m, "-", "_"))
		switch m {
		case "group", "one-to-one":
			who = append(who, w)
		default:
			where = append(where, w)
		}
	}
	var parts []string
	if len(who) > 0 {
		parts = append(parts, strings.Join(who, t.W.T("or")))
	}
	if len(where) > 0 {
		parts = append(parts, strings.Join(where, t.W.T("or")))
	}
	s := strings.Join(parts, t.W.T("delivery_join"))
	if s == "" {
		return ""
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// GroupSize writes a group size: "6 people", "4 to 8 people".
func (t Text) GroupSize(lo, hi int) string {
	switch {
	case hi == 0:
		return ""
	case lo == hi:
		return t.W.Plural("people", lo)
	}
	return t.W.T("people_range", "lo", lo, "hi", hi)
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
func (t Text) ActivityLabel(a *markdown.ActivityTime) string {
	return TimeRange(a.Offset, a.Minutes, a.Start) + " · " + t.Minutes(a.Minutes)
}

// CalloutLabels are the words shown on each kind of callout.
func (t Text) CalloutLabels() map[string]string {
	return t.W.Prefixed("callout_")
}
