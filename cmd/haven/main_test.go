package main

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// go test ./cmd/haven -update rewrites the golden sections of the scripts
// (the files that `cmp` compares against) from what haven printed.
var update = flag.Bool("update", false, "update the golden sections of testdata/script/*.txtar")

// Scripts that show a known bug skip themselves with
// `[!bugs] skip 'BUG: ...'`; go test ./cmd/haven -bugs runs them, to see
// which are fixed.
var bugs = flag.Bool("bugs", false, "run the scripts that show known bugs (they fail until fixed)")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"haven": func() { os.Exit(command(os.Args[1:])) },
	})
}

// TestTuneCollector: haven collects at firstPercent until its first
// collection and at gcPercent after it, unless GOGC says otherwise.
func TestTuneCollector(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	debug.SetGCPercent(100)
	// Read without writing it, so as not to race the cleanup that sets it.
	gogc := func() int {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
		metrics.Read(s)
		return int(s[0].Value.Uint64())
	}
	tuneCollector(func(string) string { return "" })
	if now := gogc(); now != firstPercent {
		t.Errorf("without GOGC: before the first collection the collector runs at %d, want %d", now, firstPercent)
	}
	// After a collection, once its cleanups have run.
	now := 0
	for range 100 {
		runtime.GC()
		time.Sleep(time.Millisecond)
		if now = gogc(); now == gcPercent {
			break
		}
	}
	if now != gcPercent {
		t.Errorf("without GOGC: after the first collection the collector runs at %d, want %d", now, gcPercent)
	}
	debug.SetGCPercent(100)
	env := func(k string) string {
		if k == "GOGC" {
			return "300"
		}
		return ""
	}
	tuneCollector(env)
	if now := debug.SetGCPercent(100); now != 100 {
		t.Errorf("with GOGC=300: the setting changed to %d", now)
	}
}

// TestScripts runs the command-line scripts in testdata/script. Each is a
// small programme in a txtar archive plus the commands run against it.
//
// Besides testscript's own commands the scripts can use:
//
//	checksum [-x PATH]... NAME PATH...
//	    record the state of the file trees at PATH... (names, kinds,
//	    permissions, contents, link targets) under NAME; -x leaves a
//	    sub-path out (e.g. the output folder inside the project).
//	cmpsum NAME
//	    fail unless the trees recorded as NAME are exactly as they were,
//	    listing what was added, removed or changed; `! cmpsum NAME`
//	    asserts that something changed.
//	exits STATUS COMMAND [ARGS...]
//	    run COMMAND like exec and fail unless it exits with STATUS
//	    (haven: 0 ok, 1 content errors, 2 usage errors); stdout and
//	    stderr are kept for the commands that follow.
//	validjson FILE
//	    fail unless FILE holds exactly one JSON value and nothing else.
//
// and the condition [bugs], true under -bugs.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                "testdata/script",
		UpdateScripts:      *update,
		RequireUniqueNames: true,
		Condition: func(cond string) (bool, error) {
			if cond == "bugs" {
				return *bugs, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			env.Values[sumsKey{}] = map[string]*treeSum{}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"checksum":  cmdChecksum,
			"cmpsum":    cmdCmpsum,
			"exits":     cmdExits,
			"validjson": cmdValidJSON,
		},
	})
}

type sumsKey struct{}

// treeSum is a recorded state of some file trees.
type treeSum struct {
	roots   []string // absolute
	exclude []string // absolute
	entries map[string]string
}

func cmdChecksum(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! checksum")
	}
	s := &treeSum{}
	for len(args) >= 2 && args[0] == "-x" {
		s.exclude = append(s.exclude, ts.MkAbs(args[1]))
		args = args[2:]
	}
	if len(args) < 2 {
		ts.Fatalf("usage: checksum [-x PATH]... NAME PATH...")
	}
	name := args[0]
	for _, p := range args[1:] {
		s.roots = append(s.roots, ts.MkAbs(p))
	}
	entries, err := s.scan()
	ts.Check(err)
	s.entries = entries
	ts.Value(sumsKey{}).(map[string]*treeSum)[name] = s
	ts.Logf("checksum %s: %d entries", name, len(entries))
}

func cmdCmpsum(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: cmpsum NAME")
	}
	s := ts.Value(sumsKey{}).(map[string]*treeSum)[args[0]]
	if s == nil {
		ts.Fatalf("cmpsum: no checksum named %s (record it first with checksum %s PATH...)", args[0], args[0])
	}
	now, err := s.scan()
	ts.Check(err)
	diff := diffSums(s.entries, now)
	switch {
	case neg && len(diff) == 0:
		ts.Fatalf("%s is unchanged, but should have changed", args[0])
	case !neg && len(diff) > 0:
		if len(diff) > 20 {
			diff = append(diff[:20], fmt.Sprintf("... and %d more", len(diff)-20))
		}
		ts.Fatalf("%s changed:\n\t%s", args[0], strings.Join(diff, "\n\t"))
	}
}

// scan describes every file, folder and link under the roots, keyed by
// path. A root that does not exist is recorded as missing, so that its
// later creation is a change too.
func (s *treeSum) scan() (map[string]string, error) {
	entries := map[string]string{}
	for _, root := range s.roots {
		if _, err := os.Lstat(root); errors.Is(err, fs.ErrNotExist) {
			entries[root] = "missing"
			continue
		}
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if slices.Contains(s.exclude, p) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				entries[p] = "symlink -> " + target
			case d.IsDir():
				entries[p] = fmt.Sprintf("dir %v", fi.Mode().Perm())
			case d.Type().IsRegular():
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				entries[p] = fmt.Sprintf("file %v %d bytes sha256 %x", fi.Mode().Perm(), len(data), sha256.Sum256(data))
			default:
				entries[p] = fmt.Sprintf("other %v", fi.Mode())
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return entries, nil
}

func diffSums(before, after map[string]string) []string {
	var diff []string
	for p, b := range before {
		switch a, ok := after[p]; {
		case !ok:
			diff = append(diff, "removed: "+p)
		case a != b:
			diff = append(diff, fmt.Sprintf("changed: %s (%s, was %s)", p, a, b))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diff = append(diff, "added: "+p)
		}
	}
	slices.Sort(diff)
	return diff
}

func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! exits")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: exits STATUS COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad status %q", args[0])
	}
	got := 0
	var ee *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case err == nil:
	case errors.As(err, &ee) && ee.Exited():
		got = ee.ExitCode()
	default:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

func cmdValidJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: validjson FILE")
	}
	data := ts.ReadFile(args[0])
	dec := json.NewDecoder(strings.NewReader(data))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		// Exactly one value: only white space may follow it.
		if more := strings.TrimSpace(data[dec.InputOffset():]); more != "" {
			err = fmt.Errorf("text after the JSON value: %q", more)
		}
	}
	switch {
	case neg && err == nil:
		ts.Fatalf("%s is valid JSON", args[0])
	case !neg && err != nil:
		ts.Fatalf("%s is not one JSON value: %v", args[0], err)
	}
}
