package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/otc-dev/otc/ratelimit"
)

// gcraScript is the generic cell rate algorithm: a bucket is one number, the
// theoretical arrival time (TAT) of the next request in microseconds. Each
// request moves the TAT one emission interval (1/Rate) later; a request is
// allowed while the TAT stays within Burst intervals of now. The script
// reads now from the Redis server (TIME), so instances whose clocks
// disagree still share one bucket. It returns {allowed (0 or 1), retry
// after in microseconds}.
//
// ARGV: emission interval (µs), burst, "1" to take a token or "0" to peek.
var gcraScript = goredis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - interval * burst
if allow_at > now then
	return {0, math.ceil(allow_at - now)}
end
if ARGV[3] == '1' then
	redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', math.max(1, math.ceil((new_tat - now) / 1000)))
end
return {1, 0}
`)

// Limiter is a ratelimit.Limiter whose buckets live in Redis, shared by all
// the instances that use the same Redis and prefix. A Rule with Burst below
// 1 is treated as Burst 1: a bucket that cannot hold a token would refuse
// everything, which no configuration means.
type Limiter struct{ s *Store }

var _ ratelimit.Limiter = (*Limiter)(nil)

// Limiter returns the rate limiter that shares s's connections.
func (s *Store) Limiter() *Limiter { return &Limiter{s: s} }

// Allow implements ratelimit.Limiter.
func (l *Limiter) Allow(ctx context.Context, key string, rule ratelimit.Rule) (ratelimit.Decision, error) {
	return l.run(ctx, key, rule, true)
}

// Peek implements ratelimit.Limiter.
func (l *Limiter) Peek(ctx context.Context, key string, rule ratelimit.Rule) (ratelimit.Decision, error) {
	return l.run(ctx, key, rule, false)
}

func (l *Limiter) run(ctx context.Context, key string, rule ratelimit.Rule, take bool) (ratelimit.Decision, error) {
	if rule.Rate <= 0 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	burst := max(rule.Burst, 1)
	interval := 1e6 / rule.Rate
	flag := "0"
	if take {
		flag = "1"
	}
	res, err := gcraScript.Run(ctx, l.s.client, []string{l.s.prefix + "rl:" + key},
		strconv.FormatFloat(interval, 'f', -1, 64), burst, flag).Int64Slice()
	if err != nil {
		return ratelimit.Decision{}, l.s.unavailable("rate limit", err)
	}
	if len(res) != 2 {
		return ratelimit.Decision{}, fmt.Errorf("redis rate limit: script answered %d values, want 2", len(res))
	}
	if res[0] == 1 {
		return ratelimit.Decision{Allowed: true}, nil
	}
	return ratelimit.Decision{RetryAfter: time.Duration(res[1]) * time.Microsecond}, nil
}
