package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockWait is how long a build waits for another build writing to the same
// output folder before it gives up.
const LockWait = 30 * time.Second

// Lock takes the lock of the output folder out, so that two builds never
// write one folder at once: the second waits for the first to finish, up to
// LockWait, then fails with a clear message. Call the returned function to
// release it. The lock is held on the output's parent folder itself, so no
// file is written for it anywhere; builds into two outputs of one folder
// take turns only while they write.
func Lock(out string) (func(), error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create %s: %w", parent, err)
	}
	f, err := os.Open(parent)
	if err != nil {
		return nil, fmt.Errorf("cannot lock the output folder: %w", err)
	}
	deadline := time.Now().Add(LockWait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cannot lock the output folder: %w", err)
		}
		if ok {
			return func() { unlock(f); f.Close() }, nil
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, &UsageError{fmt.Sprintf("another haven build has been writing to %s for %v; wait for it to finish, or stop it, and try again", out, LockWait)}
		}
		time.Sleep(50 * time.Millisecond)
	}
}
