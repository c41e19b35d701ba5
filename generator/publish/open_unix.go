//go:build unix

package publish

import (
	"os"
	"syscall"
)

// createFlags create (or empty) a file of the staging folder to write.
// O_NONBLOCK changes nothing for a regular file, and Go takes a file
// opened so as it is, with none of the four fcntl calls it otherwise
// makes on Linux to set the mode and set it back.
const createFlags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC | syscall.O_NONBLOCK
