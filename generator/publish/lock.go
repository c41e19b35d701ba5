package publish

import (
	"crypto/sha256"
	"encoding/hex"
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
// release it. The lock is a file in the system's temporary folder, named
// after the output folder's path: the project and the output hold nothing
// of it.
func Lock(out string) (func(), error) {
	sum := sha256.Sum256([]byte(realPath(out)))
	name := filepath.Join(os.TempDir(), "haven-lock-"+hex.EncodeToString(sum[:8]))
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
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
