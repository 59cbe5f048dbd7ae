package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// request returns a keep-alive POST of body to addr.
func request(addr, path, body string) Static {
	return Static(fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		path, addr, len(body), body))
}

func TestRunAgainstServer(t *testing.T) {
	var served, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		served.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/chunked" {
			w.(http.Flusher).Flush() // forces chunked encoding
		}
		fmt.Fprintf(w, `{"echo":%s}`, b)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")

	for _, path := range []string{"/plain", "/chunked"} {
		t.Run(path, func(t *testing.T) {
			served.Store(0)
			conns.Store(0)
			var fullChecks, quickChecks atomic.Int64
			var windowStart, windowEnd time.Time
			res, err := Run(context.Background(), Options{
				Addr:        addr,
				Concurrency: 4,
				Warmup:      50 * time.Millisecond,
				Duration:    200 * time.Millisecond,
				NewBuilder: func(int) (Builder, error) {
					return request(addr, path, `{"a":1}`), nil
				},
				Check: func(req []byte, r *Response, full bool) error {
					if full {
						fullChecks.Add(1)
					} else {
						quickChecks.Add(1)
					}
					if r.Status != 200 || string(r.Body) != `{"echo":{"a":1}}` || r.ContentType != "application/json" {
						return fmt.Errorf("got %d %q %q", r.Status, r.ContentType, r.Body)
					}
					return nil
				},
				Window: func(start, end time.Time) { windowStart, windowEnd = start, end },
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Errors != 0 {
				t.Fatalf("%d errors: %q", res.Errors, res.ErrorSamples)
			}
			if res.Requests == 0 || res.Latency.Count() != res.Requests {
				t.Fatalf("%d requests measured, %d latencies; want the same positive number", res.Requests, res.Latency.Count())
			}
			if fullChecks.Load() == 0 || quickChecks.Load() != int64(res.Requests) {
				t.Errorf("%d full checks (want > 0, in warm-up), %d quick checks (want one per measured request, %d)",
					fullChecks.Load(), quickChecks.Load(), res.Requests)
			}
			if got := uint64(served.Load()); got < res.Requests {
				t.Errorf("server served %d requests, generator counted %d", got, res.Requests)
			}
			if got := conns.Load(); got != 4 {
				t.Errorf("%d connections opened, want one per worker (4): keep-alive must hold", got)
			}
			if res.Elapsed != 200*time.Millisecond || windowEnd.Sub(windowStart) != res.Elapsed {
				t.Errorf("window %v..%v, elapsed %v; want 200ms", windowStart, windowEnd, res.Elapsed)
			}
			if res.RPS() <= 0 || res.Latency.Quantile(0.5) <= 0 {
				t.Errorf("RPS %v, p50 %v; want positive", res.RPS(), res.Latency.Quantile(0.5))
			}
		})
	}
}

func TestRunCountsWrongAnswers(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if n.Add(1)%10 == 0 {
			http.Error(w, "nope", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var builders atomic.Int64
	res, err := Run(context.Background(), Options{
		Addr:        addr,
		Concurrency: 2,
		Duration:    100 * time.Millisecond,
		NewBuilder: func(int) (Builder, error) {
			builders.Add(1)
			return request(addr, "/", "{}"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || res.Requests == 0 {
		t.Fatalf("%d errors, %d requests; want both positive (every 10th answer is a 500)", res.Errors, res.Requests)
	}
	if len(res.ErrorSamples) != 1 || !strings.Contains(res.ErrorSamples[0], "status 500") {
		t.Errorf("error samples %q, want one distinct sample naming status 500", res.ErrorSamples)
	}
	// A failed request reopens the connection, and a new connection gets a
	// new builder (fresh credentials).
	if res.Reconnects == 0 || builders.Load() != int64(2+res.Reconnects) {
		t.Errorf("%d reconnects, %d builders; want one builder per connection", res.Reconnects, builders.Load())
	}
}

func TestRunDeadServer(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close() // nothing listens any more
	res, err := Run(context.Background(), Options{
		Addr:        addr,
		Concurrency: 2,
		Duration:    50 * time.Millisecond,
		NewBuilder:  func(int) (Builder, error) { return request(addr, "/", "{}"), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || res.Requests != 0 || !strings.Contains(res.ErrorSamples[0], "connect") {
		t.Errorf("%d errors %q, %d requests; want connect errors only", res.Errors, res.ErrorSamples, res.Requests)
	}
}

func TestRunBuilderError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	res, err := Run(context.Background(), Options{
		Addr:       strings.TrimPrefix(srv.URL, "http://"),
		Duration:   30 * time.Millisecond,
		NewBuilder: func(int) (Builder, error) { return nil, errors.New("cannot mint token") },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors == 0 || !strings.Contains(res.ErrorSamples[0], "cannot mint token") {
		t.Errorf("%d errors %q; want the builder's error counted", res.Errors, res.ErrorSamples)
	}
}

func TestRunCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // so that the server notices the client leave
		<-r.Context().Done()        // never answers
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	go func() {
		<-started
		cancel()
	}()
	res, err := Run(ctx, Options{
		Addr:     addr,
		Duration: time.Hour,
		NewBuilder: func(w int) (Builder, error) {
			if w == 0 {
				close(started)
			}
			return request(addr, "/", "{}"), nil
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if res == nil || res.Elapsed >= time.Hour {
		t.Errorf("result %+v: want the elapsed time cut short", res)
	}
}

func TestRunRequiresAddrAndBuilder(t *testing.T) {
	if _, err := Run(context.Background(), Options{}); err == nil {
		t.Error("Run with no Addr and no NewBuilder succeeded")
	}
}
