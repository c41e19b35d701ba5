//go:build !unix

package source

import "os"

// openFlags open a file to read.
const openFlags = os.O_RDONLY
