package programme

import (
	"fmt"
	"strings"

	"haven/generator/diag"
	"haven/generator/markdown"
	"haven/generator/markdown/agreement"
	"haven/generator/meta"
	"haven/generator/work"
)

// Activity is a timed part of a session: one of its level-2 headings.
type Activity struct {
	Title string
	ID    string
	// Minutes is the activity's length; Offset its start, in minutes from
	// the start of the session.
	Minutes int
	Offset  int
}

// Clock returns the activity's start as a clock time when the session has
// a start time, or "".
func (a Activity) Clock(start string) string { return ClockAdd(start, a.Offset) }

// ClockAdd adds minutes to a "HH:MM" time, wrapping at midnight; "" stays "".
func ClockAdd(start string, minutes int) string {
	var h, m int
	if start == "" {
		return ""
	}
	if _, err := fmt.Sscanf(start, "%d:%d", &h, &m); err != nil {
		return ""
	}
	t := (h*60 + m + minutes) % (24 * 60)
	return fmt.Sprintf("%02d:%02d", t/60, t%60)
}

// prepareSessions prepares every session: programme defaults, the agenda from its
// activities, and the checks that the times add up and stay within the
// programme's limits. Pages are prepared in parallel: each touches only
// its own page, and their problems join in page order.
func prepareSessions(prog *Programme, diags *diag.List) {
	pageDiags := make([]diag.List, len(prog.Pages))
	work.Each(len(prog.Pages), func(i int) { preparePage(prog.Pages[i], prog.Config, &pageDiags[i]) })
	for i := range pageDiags {
		diags.Merge(&pageDiags[i])
	}
}

func preparePage(p *Page, cfg *meta.Config, diags *diag.List) {
	markdown.ClearActivityTimes(p.Doc)
	if p.Kind == meta.KindAgreement {
		prepareAgreement(p, diags)
	} else if pos, ok := p.Meta.Keys["signatures"]; ok {
		diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Warning,
			Message: fmt.Sprintf("signatures is only used on group-agreement templates; this page is a %s", p.Kind),
			Hint:    "remove it, or move the page into agreements/ (or give it type: agreement)"})
	}
	if p.Kind != meta.KindSession {
		warnStrayDurations(p, diags)
		return
	}
	cfg.ApplyDefaults(p.Meta)
	agenda(p, diags)
	checkLimits(p, cfg, diags)
}

// keyPos is where a session's key was written, or where the programme's
// default for it was.
func keyPos(p *Page, cfg *meta.Config, key string) diag.Position {
	if pos, ok := p.Meta.Keys[key]; ok {
		return pos
	}
	return cfg.Position("session_defaults")
}

// isActivity reports whether a heading of a session is one of its
// activities: a level-2 heading that sits directly in the page (not inside
// a callout or a list).
func isActivity(h *markdown.Heading) bool { return h.Level == 2 && h.TopLevel() }

func agenda(p *Page, diags *diag.List) {
	heads := p.Doc.Headings
	timed := 0
	for i := range heads {
		if h := &heads[i]; isActivity(h) && h.Duration != "" {
			timed++
		}
	}
	if timed == 0 {
		return
	}
	offset := 0
	ok := true
	p.Activities = make([]Activity, 0, timed)
	for i := range heads {
		h := &heads[i]
		if !isActivity(h) {
			continue
		}
		if h.Duration == "" {
			diags.Add(diag.Diagnostic{Pos: h.Pos, Severity: diag.Error,
				Message: fmt.Sprintf("activity %q has no duration, but the session's other activities do", h.Text),
				Hint:    "add its length at the end of the heading, e.g. {duration=10m}"})
			ok = false
			continue
		}
		m, err := meta.ParseDuration(h.Duration)
		if err != nil {
			diags.Add(diag.Diagnostic{Pos: h.Pos, Severity: diag.Error,
				Message: fmt.Sprintf("activity %q: %v", h.Text, err),
				Hint:    `write minutes like {duration=10m} or {duration=1h15m}`})
			ok = false
			continue
		}
		p.Activities = append(p.Activities, Activity{Title: h.Text, ID: h.ID, Minutes: m, Offset: offset})
		markdown.AddActivityTime(h.Node, &markdown.ActivityTime{Offset: offset, Minutes: m, Start: p.Meta.Start})
		offset += m
	}
	if !ok {
		p.Activities = nil
		return
	}
	switch {
	case p.Meta.Duration == 0:
		p.Meta.Duration = offset
	case p.Meta.Duration != offset:
		var parts []string
		for _, a := range p.Activities {
			parts = append(parts, fmt.Sprint(a.Minutes))
		}
		pos, ok := p.Meta.Keys["duration"]
		if !ok {
			pos = diag.Position{File: p.File(), Line: 1, Col: 1}
		}
		diags.Add(diag.Diagnostic{Pos: pos, Severity: diag.Error,
			Message: fmt.Sprintf("the activities add up to %d minutes (%s), but the session's duration is %d minutes",
				offset, strings.Join(parts, " + "), p.Meta.Duration),
			Hint: "change the duration or the activities' lengths so that they agree"})
	}
}

// fromDefaults says, for a value a session took from session_defaults,
// which session it is about.
func fromDefaults(p *Page, key string) string {
	if _, own := p.Meta.Keys[key]; own {
		return ""
	}
	return fmt.Sprintf(" (from session_defaults, for %s)", p.File())
}

func checkLimits(p *Page, cfg *meta.Config, diags *diag.List) {
	if max := cfg.MaxGroupSize; max > 0 && p.Meta.GroupSize.Max > max {
		diags.Add(diag.Diagnostic{Pos: keyPos(p, cfg, "group_size"), Severity: diag.Error,
			Message: fmt.Sprintf("group_size %s%s is more than the programme's largest group, %d (max_group_size, %s)",
				p.Meta.GroupSize, fromDefaults(p, "group_size"), max, cfg.Position("max_group_size")),
			Hint: "make the group smaller, or raise max_group_size in " + cfg.File})
	}
	if max := cfg.MaxDuration; max > 0 && p.Meta.Duration > max {
		diags.Add(diag.Diagnostic{Pos: keyPos(p, cfg, "duration"), Severity: diag.Error,
			Message: fmt.Sprintf("the session runs %d minutes%s, longer than the programme's longest session, %d minutes (max_duration, %s)",
				p.Meta.Duration, fromDefaults(p, "duration"), max, cfg.Position("max_duration")),
			Hint: "shorten the session, or raise max_duration in " + cfg.File})
	}
}

// prepareAgreement turns a group-agreement template into a form: fields,
// suggested items and blanks (see package agreement).
func prepareAgreement(p *Page, diags *diag.List) {
	at := func(off int) diag.Position {
		if p.Lines == nil || off < 0 {
			return diag.Position{File: p.File()}
		}
		return p.Lines.Pos(p.BodyOffset + off)
	}
	m := p.memo
	if !m.agreementDone {
		// The transform rewrites the Markdown: do it once per parse, and
		// report its problems on every build.
		m.agreement = agreement.Transform(p.Doc.Root, p.Doc.Source, at, &m.agreementDiags)
		m.agreementDone = true
	}
	diags.Merge(&m.agreementDiags)
	res := m.agreement
	if res.Items == 0 && m.agreementDiags.Count(diag.Error) == 0 {
		diags.Add(diag.Diagnostic{Pos: diag.Position{File: p.File(), Line: 1, Col: 1}, Severity: diag.Error,
			Message: "this group-agreement template has no suggested items",
			Hint:    "list them as a task list: - [x] for items kept by default, - [ ] for items to discuss; or, if this page is not a template, give it type: page"})
	}
	p.Agreement = res
}

// warnStrayDurations reports activity durations on pages that are not
// sessions, where they would otherwise be dropped without a word.
func warnStrayDurations(p *Page, diags *diag.List) {
	for _, h := range p.Doc.Headings {
		if h.Duration != "" {
			diags.Add(diag.Diagnostic{Pos: h.Pos, Severity: diag.Warning,
				Message: fmt.Sprintf("{duration=%s} is only used in sessions; this page is a %s", h.Duration, p.Kind),
				Hint:    "remove it, or move the page into a module folder (or give it type: session)"})
		}
	}
}
