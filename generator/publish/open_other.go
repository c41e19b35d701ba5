//go:build !unix

package publish

import "os"

// createFlags create (or empty) a file of the staging folder to write.
const createFlags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
