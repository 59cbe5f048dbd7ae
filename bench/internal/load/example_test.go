package load_test

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/otc-dev/otc/bench/internal/load"
)

func ExampleHistogram() {
	var h load.Histogram
	for i := 1; i <= 100; i++ {
		h.Record(time.Duration(i) * time.Millisecond)
	}
	// Quantiles are reported at the top of their bucket, within 0.8%.
	fmt.Println(h.Count(), h.Quantile(0.5).Round(100*time.Microsecond), h.Quantile(0.99).Round(100*time.Microsecond), h.Max())
	// Output: 100 50.1ms 99.1ms 100ms
}

func ExampleReadResponse() {
	conn := bufio.NewReader(strings.NewReader(
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"value\":3}" +
			"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"))
	var buf []byte
	for range 2 {
		resp, b, err := load.ReadResponse(conn, false, buf)
		if err != nil {
			fmt.Println(err)
			return
		}
		buf = b
		fmt.Printf("%d %q [%s]\n", resp.Status, resp.ContentType, resp.Body)
	}
	// Output:
	// 200 "application/json" [{"value":3}]
	// 304 "" []
}
