package main

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"syscall"
)

// freeMemoryOnSIGUSR1 collects garbage and returns free memory to the OS
// on SIGUSR1, then logs the heap: how an operator (or bench:ws) sees what
// the connections really hold.
func freeMemoryOnSIGUSR1(ctx context.Context, log *slog.Logger) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	defer signal.Stop(sig)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sig:
		}
		runtime.GC()
		debug.FreeOSMemory()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		log.Info("memory freed", "heap_inuse", m.HeapInuse, "stack_inuse", m.StackInuse, "goroutines", runtime.NumGoroutine())
	}
}
