//go:build unix

package source

import "syscall"

// openFlags open a file to read. O_NONBLOCK: opening a pipe by mistake
// does not wait for a writer (the file is refused once open, as not
// regular), and Go takes a file opened so as it is, with none of the four
// fcntl calls it otherwise makes on Linux to set the mode and set it
// back. Reads of a regular file do not change with it.
const openFlags = syscall.O_RDONLY | syscall.O_NONBLOCK
