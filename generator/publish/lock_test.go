package publish

import (
	"path/filepath"
	"testing"
	"time"
)

func TestLockWaitsForTheOtherBuild(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	release, err := Lock(out)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 1)
	go func() {
		r2, err := Lock(out)
		if err != nil {
			t.Error(err)
			got <- time.Time{}
			return
		}
		got <- time.Now()
		r2()
	}()
	time.Sleep(200 * time.Millisecond)
	released := time.Now()
	release()
	select {
	case at := <-got:
		if at.Before(released) {
			t.Error("the second lock was taken while the first was held")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second build never got the lock")
	}
}
