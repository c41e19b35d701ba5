// Package work runs independent jobs across the machine's cores. Each job
// writes only its own result slot, so output order, and so the build's
// bytes, never depend on scheduling.
package work

import (
	"runtime"
	"sync"
)

// Each calls f(i) for every i in [0, n), on up to GOMAXPROCS goroutines,
// and returns when all calls have returned.
func Each(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				j := i
				i++
				next.Unlock()
				if j >= n {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}
