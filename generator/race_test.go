//go:build race

package generator

// raceDetector is whether the tests run under the race detector, which
// makes sync.Pool drop what it is given at random.
const raceDetector = true
