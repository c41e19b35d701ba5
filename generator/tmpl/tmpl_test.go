package tmpl_test

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"testing"

	"haven/generator/tmpl"
)

type item struct {
	Title, URL string
	N          int
	Children   []item
}

type named string

type stringer struct{ s string }

// formatted prints itself through fmt.Formatter.
type formatted int

func (f formatted) Format(st fmt.State, _ rune) { fmt.Fprintf(st, "F<%d>", int(f)) }

func (s stringer) String() string { return "<" + s.s + ">" }

type data struct {
	S       string
	H       template.HTML
	U       template.URL
	N       int
	U8      uint8
	F       float64
	B       bool
	Named   named
	Ptr     *string
	NilPtr  *item
	Str     stringer
	Fmt     formatted
	Items   []item
	Empty   []item
	M       map[string]string
	Any     any
	Nested  *item
	private string
}

func (d *data) Upper(prefix string) string { return prefix + strings.ToUpper(d.S) }

func (d data) Count() int { return len(d.Items) }

var funcs = template.FuncMap{
	"t": func(key string, args ...any) string {
		return key + fmt.Sprint(args...)
	},
	"words": func(prefix string) (string, error) {
		if prefix == "bad" {
			return "", errors.New("no words for bad")
		}
		return `{"` + prefix + `":"a'b"}`, nil
	},
	"minutes": func(m int) string { return fmt.Sprintf("%d min", m) },
	"shout":   func(s string) string { return strings.ToUpper(s) + "!" },
	"pair": func(a, b string, items []item) item {
		return item{Title: a, URL: b, N: len(items)}
	},
	"boom": func() string { panic("boom") },
}

func sample() *data {
	s := "pointed <b>"
	return &data{
		S:     `<a href="x">Tom & Jerry's "+1"</a>` + "\x00 é \xff",
		H:     template.HTML(`<em>safe</em> &amp; sound`),
		U:     template.URL("javascript:void(0)"),
		N:     42,
		U8:    7,
		F:     2.5,
		B:     true,
		Named: named("named <x>"),
		Ptr:   &s,
		Str:   stringer{"str"},
		Fmt:   4,
		Items: []item{
			{Title: "One & only", URL: "one.html", N: 1, Children: []item{{Title: "One.a", URL: "a b.html"}}},
			{Title: "Two", URL: "javascript:alert(1)", N: 2},
			{Title: "Three", URL: "../x y/é.html?q=1&r=<2>#frag", N: 3},
		},
		M:      map[string]string{"k": "v<"},
		Any:    "any string",
		Nested: &item{Title: "nested", URL: "mailto:x@example.org"},
	}
}

// cases are templates with what they show; supported says the fast path
// must run them (and not hand them to html/template).
var cases = []struct {
	name, src string
	supported bool
}{
	{"text", `<p>{{.S}}</p><p>{{.H}}</p><p>{{.N}} {{.U8}} {{.B}} {{.Named}} {{.Ptr}} {{.Any}}</p>`, true},
	{"attributes", `<a title="{{.S}}" data-x="{{.N}}" class='{{.Named}}' lang={{.Any}}>x</a>`, false /* unquoted: nospace escaper */},
	{"quoted attributes", `<a title="{{.S}}" data-x="{{.N}}" class='{{.Named}}' data-w="{{words "js_"}}">x</a>`, true},
	{"urls", `{{range .Items}}<a href="{{.URL}}">{{.Title}}</a><a href="../{{.URL}}">r</a><a href="/s?q={{.Title}}&u={{.URL}}">q</a><a href="#{{.Title}}">h</a>{{end}}<a href="{{.U}}">u</a><a href="{{.Nested.URL}}">m</a>`, true},
	{"url with escapes", `<a href="{{.S}}">s</a><a href="{{.M.k}}%41%zz">m</a>`, true},
	{"title", `<title>{{.S}} · {{.H}} · {{t "x"}}</title>`, true},
	{"if else", `{{if .B}}yes{{else}}no{{end}}{{if .Empty}}e{{else if .Items}}items{{end}}{{if .NilPtr}}nil{{end}}{{if not .N}}zero{{end}}`, true},
	{"with", `{{with .Nested}}{{.Title}}{{end}}{{with .Empty}}x{{else}}none{{end}}{{with .M.missing}}m{{else}}missing{{end}}`, true},
	{"range", `{{range $i, $x := .Items}}{{if $i}}, {{end}}{{$i}}:{{$x.Title}}{{range .Children}}[{{.Title}} {{$x.N}}]{{end}}{{end}}{{range .Empty}}x{{else}}empty{{end}}{{range 3}}{{.}}{{end}}{{range $k := .Items}}{{$k.N}}{{end}}`, true},
	{"variables", `{{$a := .S}}{{$n := 1}}{{range .Items}}{{$n = .N}}{{end}}{{$n}} {{$a}} {{$.N}}{{with .Nested}}{{$.N}}{{$a}}{{end}}`, true},
	{"templates", `{{define "row"}}<li>{{.Title}}{{if .Children}}<ul>{{range .Children}}{{template "row" .}}{{end}}</ul>{{end}}</li>{{end}}{{define "empty"}}none{{end}}<ul>{{range .Items}}{{template "row" .}}{{end}}</ul>{{template "empty"}}{{block "b" .}}[{{.N}}]{{end}}`, true},
	{"functions", `{{t "agenda"}} {{t "n" "k" 3 .N 2.5 true}} {{minutes .N}} {{minutes 5}} {{.S | shout}} {{shout "a<b"}} {{(pair "a" "b" .Items).N}} {{with pair .S "u" .Empty}}{{.Title}}{{end}}`, true},
	{"builtins", `{{if and .B .N}}and{{end}}{{if or .Empty .S}}or{{end}}{{and .N .S}}{{or .Empty "dflt"}}{{len .Items}} {{len .S}} {{if gt (len .Items) 1}}gt{{end}}{{if eq .N 42}}eq{{end}}{{if eq .S "x" "y"}}no{{end}}{{if ne .N 1}}ne{{end}}{{if lt .U8 .N}}lt{{end}}{{if le 42 .N}}le{{end}}{{if ge .F 2.5}}ge{{end}}{{.Items | len}}{{not .B}}`, true},
	{"methods", `{{.Upper "up:"}} {{.Count}} {{.Nested.Title}}`, true},
	{"map", `{{.M.k}}|{{.M.missing}}|`, true},
	{"stringer", `{{.Str}}`, false},
	{"formatter", `<p title="{{.Fmt}}">{{.Fmt}}</p><a href="/x?q={{.Fmt}}">`, false},
	{"float", `{{.F}}`, false},
	{"printf", `{{printf "%d" .N}}`, false},
	{"html in an attribute", `<a title="{{.H}}">x</a>`, false},
	{"index", `{{index .Items 0}}`, false},
	{"nil pointer", `{{.NilPtr.Title}}`, false},
	{"function error", `{{words "bad"}}`, false},
	{"panic", `{{boom}}`, false},
	{"unexported", `{{.private}}`, false},
}

// run executes src on d with html/template alone, and with a Program
// twice (the first run takes the template up).
func TestSameAsHTMLTemplate(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, wantErr := plainRun(t, c.src, sample())
			set := template.Must(template.New("page").Funcs(funcs).Parse(c.src))
			p := tmpl.New(set, funcs)
			for i := range 3 {
				var buf bytes.Buffer
				buf.WriteString("kept:")
				err := p.Execute(&buf, "page", sample())
				if fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Fatalf("run %d: error %v, want %v", i, err, wantErr)
				}
				if err == nil && buf.String() != "kept:"+want {
					t.Fatalf("run %d:\n got %q\nwant %q", i, strings.TrimPrefix(buf.String(), "kept:"), want)
				}
			}
			fast, slow, _ := p.Counts()
			if c.supported && (fast != 2 || slow != 1) {
				t.Errorf("fast %d, slow %d runs; want 2 and 1 (unsupported: %q)", fast, slow, p.Unsupported("page"))
			}
			if !c.supported && fast != 0 {
				t.Errorf("ran %d times fast; want every run by html/template", fast)
			}
		})
	}
}

func plainRun(t *testing.T, src string, d any) (string, error) {
	t.Helper()
	set := template.Must(template.New("page").Funcs(funcs).Parse(src))
	var buf bytes.Buffer
	err := set.ExecuteTemplate(&buf, "page", d)
	return buf.String(), err
}

// A template that fails under html/template before it has ever run well
// is never taken up: the Program runs only trees html/template escaped.
func TestNeverRunsUnescapedTrees(t *testing.T) {
	set := template.Must(template.New("page").Funcs(funcs).Parse(`<p>{{.S}}</p><script>var x = "{{.S}}`))
	p := tmpl.New(set, funcs)
	for range 2 {
		var buf bytes.Buffer
		if err := p.Execute(&buf, "page", sample()); err == nil {
			t.Fatal("an unfinished script ran")
		}
	}
	if fast, _, _ := p.Counts(); fast != 0 {
		t.Fatalf("%d fast runs of a template html/template refuses", fast)
	}
}

// Many goroutines may run one Program (go test -race).
func TestConcurrentRuns(t *testing.T) {
	src := cases[3].src + cases[8].src + cases[10].src
	want, err := plainRun(t, src, sample())
	if err != nil {
		t.Fatal(err)
	}
	p := tmpl.New(template.Must(template.New("page").Funcs(funcs).Parse(src)), funcs)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				var buf bytes.Buffer
				if err := p.Execute(&buf, "page", sample()); err != nil || buf.String() != want {
					t.Errorf("got %q, %v", buf.String(), err)
					return
				}
			}
		})
	}
	wg.Wait()
	if fast, _, _ := p.Counts(); fast == 0 {
		t.Error("no fast runs")
	}
}

// The escapers write what html/template's write, for any string in any
// context the layouts use.
func FuzzEscapers(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">'&"+</a>`, "\x00\xff\xfeé", "javascript:alert(1)", "http://x/a b?c=d&e#f",
		"%41%zz%", "mailto:a@b", "HTTPS://X", "a:b/c", "/a:b", "\t\n"} {
		f.Add(s)
	}
	src := `<title>{{.}}</title><p>{{.}}</p><a title="{{.}}" href="{{.}}">x</a><a href="/x?q={{.}}">q</a><a href="#{{.}}">h</a><a href="{{.}}/{{.}}?{{.}}#{{.}}">m</a><p title='{{.}}'>{{.}}</p>`
	set := template.Must(template.New("page").Parse(src))
	p := tmpl.New(set, nil)
	p.Warm("page")
	if why := p.Unsupported("page"); why != "" {
		f.Fatalf("the template is left to html/template (%s): the fuzz would compare it with itself", why)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []any{s, template.URL(s)} {
			want, err := plainRun(t, src, v)
			if err != nil {
				continue
			}
			var buf bytes.Buffer
			fast, _, _ := p.Counts()
			if err := p.Execute(&buf, "page", v); err != nil {
				t.Fatal(err)
			}
			if buf.String() != want {
				t.Fatalf("%T %q:\n got %q\nwant %q", v, s, buf.String(), want)
			}
			if now, _, _ := p.Counts(); now != fast+1 {
				t.Fatalf("%T %q was not run fast", v, s)
			}
		}
	})
}

// A template called by another sees none of the caller's variables, and
// the caller's are as they were after the call.
func TestCalledTemplatesHaveTheirOwnVariables(t *testing.T) {
	src := `{{define "inner"}}{{$x := "inner"}}{{$x}}{{$.N}}{{end}}{{$x := "outer"}}{{template "inner" .}}{{$x}}`
	set := template.Must(template.New("page").Funcs(funcs).Parse(src))
	p := tmpl.New(set, funcs)
	for range 2 {
		var buf bytes.Buffer
		if err := p.Execute(&buf, "page", sample()); err != nil || buf.String() != "inner42outer" {
			t.Fatalf("got %q, %v", buf.String(), err)
		}
	}
	if fast, _, _ := p.Counts(); fast != 1 {
		t.Errorf("%d fast runs, want 1", fast)
	}
}

// A set whose missingkey option is not the default leaves missing map keys
// to html/template; the default's stay fast.
func TestMissingKeyOption(t *testing.T) {
	src := `[{{.M.k}}|{{.M.zz}}]`
	for _, option := range []string{"", "missingkey=default", "missingkey=zero", "missingkey=error"} {
		set := func() *template.Template {
			s := template.New("page").Funcs(funcs)
			if option != "" {
				s.Option(option)
			}
			return template.Must(s.Parse(src))
		}
		var want bytes.Buffer
		wantErr := set().Execute(&want, sample())
		p := tmpl.New(set(), funcs)
		for range 2 {
			var buf bytes.Buffer
			err := p.Execute(&buf, "page", sample())
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || buf.String() != want.String() {
				t.Errorf("%q: got %q, %v; want %q, %v", option, buf.String(), err, want.String(), wantErr)
			}
		}
		fast, _, _ := p.Counts()
		if isDefault := option == "" || option == "missingkey=default"; isDefault != (fast == 1) {
			t.Errorf("%q: %d fast runs", option, fast)
		}
	}
}

// Warm takes a template up before its first run, even when running it on
// no data fails; a template html/template cannot escape stays its own.
func TestWarm(t *testing.T) {
	src := `{{define "list"}}<ul>{{range .Items}}<li><a href="{{.URL}}">{{.Title}}</a></li>{{end}}</ul>{{end}}` +
		`{{define "needs data"}}{{minutes .N}}{{end}}` +
		`{{define "broken"}}<a href="{{.URL}}{{end}}`
	set := template.Must(template.New("page").Funcs(funcs).Parse(src))
	p := tmpl.New(set, funcs)
	p.Warm("list", "needs data", "broken", "not defined")
	for _, name := range []string{"list", "needs data", "broken"} {
		fresh := template.Must(template.New("page").Funcs(funcs).Parse(src))
		var want bytes.Buffer
		wantErr := fresh.ExecuteTemplate(&want, name, sample())
		before, _, _ := p.Counts()
		var buf bytes.Buffer
		err := p.Execute(&buf, name, sample())
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || (err == nil && buf.String() != want.String()) {
			t.Errorf("%s: got %q, %v; want %q, %v", name, buf.String(), err, want.String(), wantErr)
		}
		after, _, _ := p.Counts()
		if ran := after > before; ran != (name != "broken") {
			t.Errorf("%s: ran fast %v on its first run", name, ran)
		}
	}
}

// A template whose runs keep giving up is left to html/template after a
// few in a row, rather than begun twice on every run, and tried again now
// and then; one that gives up now and then is still run here.
func TestKeepsGivingUp(t *testing.T) {
	set := template.Must(template.New("page").Funcs(funcs).Parse(`<p>{{.}}</p>`))
	p := tmpl.New(set, funcs)
	run := func(v any) {
		t.Helper()
		var buf bytes.Buffer
		if err := p.Execute(&buf, "page", v); err != nil || buf.String() != fmt.Sprintf("<p>%v</p>", v) {
			t.Fatalf("got %q, %v", buf.String(), err)
		}
	}
	run("first")
	for range 50 {
		run("text") // fast
		run(2.5)    // a float: gives up
	}
	if fast, _, gaveUp := p.Counts(); fast != 50 || gaveUp != 50 {
		t.Errorf("now and then: %d fast, %d given up; want 50 and 50", fast, gaveUp)
	}
	for range 640 {
		run(2.5)
	}
	// The last run above gave up: 7 more make 8 in a row; of the other
	// 633, one in 64 is tried.
	if _, _, gaveUp := p.Counts(); gaveUp != 50+7+633/64 {
		t.Errorf("%d runs gave up; want %d: 8 in a row, then one in 64", gaveUp, 50+7+633/64)
	}
	// Should the data change, a try finds it fast again, and it stays so.
	for range 200 {
		run("text")
	}
	if fast, _, _ := p.Counts(); fast < 50+200-64 {
		t.Errorf("%d fast runs after the data changed", fast)
	}
}
