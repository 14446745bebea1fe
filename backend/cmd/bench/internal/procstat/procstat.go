// Package procstat reads a process's CPU time from /proc, for the benches'
// CPU per unit of work: a figure the shared machine's load does not skew
// the way it skews throughput.
package procstat

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the kernel's USER_HZ, the unit of /proc/PID/stat's times
// (100 on every Linux this runs on).
const clockTick = 10 * time.Millisecond

// fields returns /proc/PID/stat's fields from the third on (the command
// name, field 2, may hold spaces: count from its ")").
func fields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	return strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
}

// CPU is the user plus system CPU a process has used so far.
func CPU(pid int) time.Duration {
	f := fields(pid)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, _ := strconv.ParseInt(f[12], 10, 64) // field 15
	return time.Duration(utime+stime) * clockTick
}

// TreeCPU is CPU of pid and of its living children: nginx's master and
// its workers.
func TreeCPU(pid int) time.Duration {
	total := CPU(pid)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		child, err := strconv.Atoi(filepath.Base(d))
		if err != nil || child == pid {
			continue
		}
		if f := fields(child); len(f) > 1 && f[1] == strconv.Itoa(pid) { // field 4: the parent
			total += CPU(child)
		}
	}
	return total
}
