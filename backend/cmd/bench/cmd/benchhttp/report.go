package main

import (
	"fmt"
	"slices"
	"time"
)

func micros(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }

// printRound prints one round's table, each server against net/http.
func printRound(round int, results map[string][]result, order []string, duration time.Duration, conns, threads int) {
	fmt.Printf("\nround %d: wrk -t%d -c%d -d%s, keep-alive, loopback, one server at a time\n\n", round+1, threads, conns, duration)
	fmt.Print("| server |")
	for _, sc := range scenarios {
		fmt.Printf(" %s req/s | p99 | µs CPU/req | × net/http |", sc.name)
	}
	fmt.Print("\n|---|")
	for range scenarios {
		fmt.Print("---:|---:|---:|---:|")
	}
	fmt.Println()
	base := results["net/http"]
	for _, name := range order {
		fmt.Printf("| %s |", name)
		for i, r := range results[name] {
			ratio := "–"
			if len(base) > i && base[i].rps > 0 {
				ratio = fmt.Sprintf("%.2f", r.rps/base[i].rps)
			}
			fmt.Printf(" %.0f | %s | %.1f | %s |", r.rps, r.p99, micros(r.cpu), ratio)
		}
		fmt.Println()
	}
}

// bestPeers are what liveboard's static files are held against.
var bestPeers = []string{"nginx", "fasthttp"}

// printSummary gives, per scenario, liveboard's median ratio to the
// better of nginx and fasthttp in the same round, in requests per second
// and in CPU per request (below 1: less CPU than the peer).
func printSummary(rounds []map[string][]result) {
	if len(rounds) < 2 {
		return
	}
	fmt.Printf("\nsummary of %d rounds: liveboard ÷ the better of nginx and fasthttp in the same round, median\n\n", len(rounds))
	fmt.Println("| scenario | req/s ratio | rounds | CPU per request ratio | rounds |")
	fmt.Println("|---|---:|---|---:|---|")
	for i, sc := range scenarios {
		var rps, cpu []float64
		for _, res := range rounds {
			lb := res["liveboard"]
			if len(lb) <= i {
				continue
			}
			var bestRPS float64
			var bestCPU time.Duration
			for _, p := range bestPeers {
				if r := res[p]; len(r) > i {
					bestRPS = max(bestRPS, r[i].rps)
					if bestCPU == 0 || r[i].cpu < bestCPU {
						bestCPU = r[i].cpu
					}
				}
			}
			if bestRPS > 0 {
				rps = append(rps, lb[i].rps/bestRPS)
			}
			if bestCPU > 0 {
				cpu = append(cpu, float64(lb[i].cpu)/float64(bestCPU))
			}
		}
		fmt.Printf("| %s | %.2f | %s | %.2f | %s |\n", sc.name, median(rps), list(rps), median(cpu), list(cpu))
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func list(v []float64) string {
	out := ""
	for i, x := range v {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%.2f", x)
	}
	return out
}
