// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"math"
	"strconv"
	"time"
)

// rateBucket is a token bucket over all API calls, refilled by Config.Now so
// that tests control it with their fake clock. Its burst is one second's
// worth of requests (at least one).
type rateBucket struct {
	rate   float64 // tokens per second; 0 = unlimited
	burst  float64
	tokens float64
	last   time.Time
}

func newRateBucket(rate float64, now time.Time) rateBucket {
	burst := math.Max(1, rate)
	return rateBucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// take spends one token. When none is left it returns false and the
// Retry-After value in whole seconds.
func (b *rateBucket) take(now time.Time) (bool, string) {
	if b.rate <= 0 {
		return true, ""
	}
	if now.After(b.last) {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, ""
	}
	wait := math.Ceil((1 - b.tokens) / b.rate)
	return false, strconv.Itoa(int(math.Max(1, wait)))
}
