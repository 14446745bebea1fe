package main

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// scrapeSample reads the four series from /metrics.
func scrapeSample(base string) (sample, error) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return sample{}, err
	}
	defer resp.Body.Close()
	var s sample
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "process_resident_memory_bytes":
			s.rss = v
		case "go_memstats_heap_alloc_bytes": // live heap: read right after a forced GC
			s.heap = v
		case "go_goroutines":
			s.goroutines = v
		case "process_open_fds":
			s.fds = v
		}
	}
	return s, sc.Err()
}

// slopePerMinute is the least-squares slope of ys over the samples' times,
// per minute, as a share of the mean.
func slopePerMinute(samples []sample, y func(sample) float64) float64 {
	n := float64(len(samples))
	var sx, sy, sxx, sxy float64
	for _, s := range samples {
		x := s.at.Minutes()
		v := y(s)
		sx, sy, sxx, sxy = sx+x, sy+v, sxx+x*x, sxy+x*v
	}
	den := n*sxx - sx*sx
	if den == 0 || sy == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den / (sy / n)
}

// deliveryRate is the soak's messages per second: what the posts asked
// for (posts/s times readers per board) and what the readers got.
type deliveryRate struct{ offered, received float64 }

func reportSoak(c config, boards int, rate deliveryRate, base, after sample, samples []sample) error {
	tail := samples[len(samples)/5:] // the last 80 %
	fmt.Printf("\nsoak: %d WebSockets on %d boards, %v, 1 %%/s churn with presence, %d posts/s; samples every 10 s\n", c.subs, boards, c.soakFor, soakPostsPerSecond)
	fmt.Printf("deliveries: %.0f/s offered, %.0f/s received (%.1f %%)\n\n", rate.offered, rate.received, 100*rate.received/rate.offered)
	fmt.Println("| at | clients | RSS MiB | live heap MiB | goroutines | open fds |")
	fmt.Println("|---:|---:|---:|---:|---:|---:|")
	for i, s := range samples {
		if i%3 == 0 || i == len(samples)-1 {
			fmt.Printf("| %v | %d | %.1f | %.1f | %.0f | %.0f |\n", s.at, s.conns, s.rss/(1<<20), s.heap/(1<<20), s.goroutines, s.fds)
		}
	}
	fmt.Printf("\n| series | slope over the last %v, %% of mean per minute | pass (< 1 %%) |\n|---|---:|---|\n", tail[len(tail)-1].at-tail[0].at)
	pass := true
	for _, s := range []struct {
		name string
		y    func(sample) float64
	}{
		{"RSS", func(s sample) float64 { return s.rss }},
		{"live heap", func(s sample) float64 { return s.heap }},
		{"goroutines", func(s sample) float64 { return s.goroutines }},
		{"open fds", func(s sample) float64 { return s.fds }},
	} {
		slope := 100 * slopePerMinute(tail, s.y)
		ok := slope < 1
		pass = pass && ok
		fmt.Printf("| %s | %+.2f | %v |\n", s.name, slope, ok)
	}
	back := after.goroutines <= base.goroutines+10 && after.fds <= base.fds+10
	fmt.Printf("\nafter every client left: %.0f goroutines (baseline %.0f), %.0f fds (baseline %.0f): %v\n", after.goroutines, base.goroutines, after.fds, base.fds, back)
	if !pass || !back {
		return fmt.Errorf("soak failed")
	}
	fmt.Println("soak passed")
	return nil
}
