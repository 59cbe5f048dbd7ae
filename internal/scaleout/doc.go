// Package scaleout holds the scale-out integration test: Redis, three
// "otc serve" instances and nginx as a round-robin load balancer, all on
// loopback. It needs redis-server and nginx (Debian packages) and runs with
//
//	go test -tags integration -run TestScaleOut ./internal/scaleout/
//
// with OTC_TEST_REDIS_URL pointing at a Redis it may flush (DB 15 is used).
package scaleout
