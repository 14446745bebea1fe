package main

import (
	"time"

	"liveboard/bench/internal/procstat"
)

// cpuTime is the user plus system CPU a process has used so far.
func cpuTime(pid int) time.Duration { return procstat.CPU(pid) }

// cpuMeter measures a process's CPU over a phase.
type cpuMeter struct {
	pid   int
	start time.Duration
}

func startCPU(pid int) cpuMeter { return cpuMeter{pid, cpuTime(pid)} }

func (m cpuMeter) used() time.Duration { return cpuTime(m.pid) - m.start }

// perUnit is CPU per unit of work, in microseconds (0 when none was done).
func perUnit(cpu time.Duration, units int64) float64 {
	if units <= 0 {
		return 0
	}
	return float64(cpu.Microseconds()) / float64(units)
}
