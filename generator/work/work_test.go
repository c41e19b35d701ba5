package work

import (
	"runtime"
	"sync/atomic"
	"testing"
)

func TestEachCallsEveryIndexOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 7, 1000} {
			seen := make([]int32, n)
			var calls atomic.Int32
			Each(n, func(i int) {
				atomic.AddInt32(&seen[i], 1)
				calls.Add(1)
			})
			if int(calls.Load()) != n {
				t.Errorf("procs %d n %d: %d calls", procs, n, calls.Load())
			}
			for i, c := range seen {
				if c != 1 {
					t.Errorf("procs %d: index %d called %d times", procs, i, c)
				}
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}
