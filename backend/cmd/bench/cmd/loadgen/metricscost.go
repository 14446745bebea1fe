package main

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"
)

// metricsCost runs the fan-out with /metrics scraped every second and not,
// interleaved for c.metricsCost rounds (the machine's noise drifts), and
// prints each pair and the median ratio of saturated deliveries/s.
func metricsCost(c config, run func(round int, scrape bool) (fanoutResult, error)) error {
	var ratios []float64
	var rows []fanoutResult
	for i := range c.metricsCost {
		plain, err := run(i, false)
		if err != nil {
			return err
		}
		scraped, err := run(i, true)
		if err != nil {
			return err
		}
		rows = append(rows, plain, scraped)
		ratios = append(ratios, scraped.saturated/plain.saturated)
	}
	fmt.Printf("\ncost of metrics: %d subscribers, %d interleaved rounds\n\n", c.subs, c.metricsCost)
	fmt.Println("| round | not scraped, deliveries/s saturated | scraped every 1 s | ratio |")
	fmt.Println("|---:|---:|---:|---:|")
	for i := range c.metricsCost {
		fmt.Printf("| %d | %.0f | %.0f | %.3f |\n", i+1, rows[2*i].saturated, rows[2*i+1].saturated, ratios[i])
	}
	slices.Sort(ratios)
	fmt.Printf("\nmedian ratio scraped / not scraped: %.3f\n", ratios[len(ratios)/2])
	return nil
}

// scrapeEverySecond GETs url every second, as Prometheus would, until stop.
func scrapeEverySecond(url string) (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if resp, err := http.Get(url); err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}
	}()
	return func() { close(done) }
}
