package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the kernel's USER_HZ, the unit of /proc/PID/stat's times
// (100 on every Linux this runs on).
const clockTick = 10 * time.Millisecond

// cpuTime is the user plus system CPU a process has used so far.
func cpuTime(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name, field 2, may hold spaces: count from its ")".
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return time.Duration(utime+stime) * clockTick
}

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
