// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets for everything the client decodes from the network. With
// plain `go test` they run on the seed corpus below (and on any failing
// input saved under testdata/fuzz); with -fuzz they explore. Run one at a
// time, e.g.:
//
//	go test ./internal/taurusdb -run '^$' -fuzz '^FuzzDecodeProxyList$' -fuzztime 10s

// A list entry in the reference's shape, with readonly_nodes as an array.
const seedProxyList = `{"proxy_list":[{"proxy":{"pool_id":"151c14381ac14ecfb9703a745b992677po01","status":"ACTIVE",
"address":"192.168.0.12","port":3306,"pool_status":"ACTIVE","delay_threshold_in_seconds":30,"elb_vip":"","eip":"",
"vcpus":"2","ram":"8","node_num":2,"mode":"Cluster","nodes":[{"id":"a1b2c3d4e5f60718293a4b5c6d7e8f90pn01",
"status":"ACTIVE","name":"proxy-node-1","role":"master","az_code":"cn-north-4a","frozen_flag":0}],"name":"orders",
"flavor_ref":"gaussdb.proxy.large.x86.2","transaction_split":"OFF","subnet_id":"b8c1e4f2-0c1d-4c3e-9a5b-0f1e2d3c4b5a",
"route_mode":0},"master_node":{"id":"0123456789abcdef0123456789abcdefno07","instance_id":"0123456789abcdef0123456789abcdefin07",
"status":"ACTIVE","name":"node-1","weight":10,"availability_zone":"cn-north-4a"},"readonly_nodes":[{"id":"1123456789abcdef0123456789abcdefno07",
"instance_id":"0123456789abcdef0123456789abcdefin07","status":"ACTIVE","name":"node-2","weight":"300","availability_zone":"cn-north-4b"}]}]}`

func FuzzDecodeProxyList(f *testing.F) {
	f.Add([]byte(seedProxyList))
	// readonly_nodes as a single object, as the reference's example shows;
	// numbers as strings and strings as numbers.
	f.Add([]byte(`{"proxy_list":[{"proxy":{"pool_id":"x","port":"3306","node_num":"2","vcpus":2,"ram":8.5,"route_mode":"1"},
"readonly_nodes":{"id":"n","weight":"0"}}]}`))
	f.Add([]byte(`{"proxy_list":[]}`))
	f.Add([]byte(`{"proxy_list":null}`))
	f.Add([]byte(`{"proxy_list":[{"proxy":{}}]}`))
	f.Add([]byte(`{"proxy_list":[{"proxy":{"pool_id":"x","port":null,"vcpus":null},"readonly_nodes":null,"master_node":null}]}`))
	f.Add([]byte(`{"proxy_list":[{"proxy":{"pool_id":"x","port":"","node_num":1e3}}]}`))
	f.Add([]byte(`{"proxy_list":[{"proxy":{"pool_id":"x"},"readonly_nodes":[{"weight":"abc"}]}]}`))
	f.Add([]byte(`{"job_id": `))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))
	f.Add([]byte("<html><body>502 Bad Gateway</body></html>"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var out proxyListResponse
		if err := decodeBody(raw, &out); err != nil {
			return
		}
		// decodeBody promises the required fields.
		if out.ProxyList == nil {
			t.Fatal("decoded without error but proxy_list is missing")
		}
		for _, e := range *out.ProxyList {
			if e.Proxy.PoolID == "" {
				t.Fatal("decoded without error but an entry has no pool_id")
			}
		}
		// What was decoded encodes to the canonical shape and decodes to
		// the same values: the flexible decoders lose nothing.
		again, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("re-encoding: %v", err)
		}
		var back proxyListResponse
		if err := decodeBody(again, &back); err != nil {
			t.Fatalf("decoding the re-encoded list %s: %v", again, err)
		}
		if !reflect.DeepEqual(out, back) {
			t.Fatalf("round trip changed the list:\n%+v\n%+v", *out.ProxyList, *back.ProxyList)
		}
	})
}

func FuzzDBNodeList(f *testing.F) {
	f.Add([]byte(`[{"id":"a","weight":1},{"id":"b","weight":"2"}]`))
	f.Add([]byte(`{"id":"a","weight":"7"}`))
	f.Add([]byte(` null `))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[{"weight":true}]`))
	f.Add([]byte(`"x"`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var l DBNodeList
		if err := json.Unmarshal(raw, &l); err != nil {
			return
		}
		trimmed := strings.TrimSpace(string(raw))
		switch {
		case strings.HasPrefix(trimmed, "{") && len(l) != 1:
			t.Fatalf("one object decoded into %d nodes", len(l))
		case strings.HasPrefix(trimmed, "["):
			var elems []json.RawMessage
			if err := json.Unmarshal(raw, &elems); err != nil || len(elems) != len(l) {
				t.Fatalf("an array of %d decoded into %d nodes (%v)", len(elems), len(l), err)
			}
		}
	})
}

func FuzzFlexInt(f *testing.F) {
	for _, s := range []string{`3306`, `"3306"`, `""`, `null`, `-1`, `"-0"`, `1.5`, `"1e3"`, `9223372036854775808`, `" 12"`, `"0x10"`, `true`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var v FlexInt
		if err := json.Unmarshal(raw, &v); err != nil {
			return
		}
		// Success means the input was an integer, a string holding one,
		// "" or null; and the value is that integer.
		trimmed := strings.TrimSpace(string(raw))
		if trimmed == "null" || trimmed == `""` {
			if v != 0 {
				t.Fatalf("%s decoded to %d, want 0", raw, v)
			}
			return
		}
		digits := trimmed
		if strings.HasPrefix(trimmed, `"`) {
			if err := json.Unmarshal([]byte(trimmed), &digits); err != nil {
				t.Fatalf("%s decoded as FlexInt but is not a JSON string: %v", raw, err)
			}
		}
		want, err := strconv.Atoi(digits)
		if err != nil || FlexInt(want) != v {
			t.Fatalf("%s decoded to %d; strconv.Atoi(%q) = %d, %v", raw, v, digits, want, err)
		}
	})
}

func FuzzFlexString(f *testing.F) {
	for _, s := range []string{`"2"`, `2`, `8.5`, `null`, `""`, `1e400`, `-0`, `true`, `[]`, `"\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var v FlexString
		if err := json.Unmarshal(raw, &v); err != nil {
			return
		}
		trimmed := strings.TrimSpace(string(raw))
		switch {
		case trimmed == "null":
			if v != "" {
				t.Fatalf("null decoded to %q", v)
			}
		case strings.HasPrefix(trimmed, `"`):
			var s string
			if err := json.Unmarshal(raw, &s); err != nil || string(v) != s {
				t.Fatalf("%s decoded to %q, want %q (%v)", raw, v, s, err)
			}
		default:
			// A number is kept as written.
			if string(v) != trimmed {
				t.Fatalf("%s decoded to %q, want the number as written", raw, v)
			}
		}
	})
}

func FuzzDecodeJob(f *testing.F) {
	f.Add([]byte(`{"job":{"id":"04efe8e2-9255-44ae-a98b-d87cae411890","name":"CloseGaussDBforMySQLProxy","status":"Running",
"created":"2026-01-01T00:00:00+0000","ended":"","process":"60%","instance":{"id":"0123456789abcdef0123456789abcdefin07","name":"db"},
"entities":{"proxy_ids":["151c14381ac14ecfb9703a745b992677po01"]},"fail_reason":""}}`))
	f.Add([]byte(`{"job":{"id":"j","status":"Failed","fail_reason":"proxy is serving 12 connections","process":""}}`))
	f.Add([]byte(`{"job":{"status":"Completed","process":"100%"}}`))
	f.Add([]byte(`{"job":{"status":"Running","process":" 12.5 % "}}`))
	f.Add([]byte(`{"job":{"status":"Running","process":"-5%"}}`))
	f.Add([]byte(`{"job":{"status":"Running","process":"NaN%"}}`))
	f.Add([]byte(`{"job":{"status":""}}`))
	f.Add([]byte(`{"job":null}`))
	f.Add([]byte(`{"job_id":"04efe8e2-9255-44ae-a98b-d87cae411890"}`))
	f.Add([]byte(`{"job_id":""}`))
	f.Add([]byte(`{"job_id":7}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var jr jobResponse
		if err := decodeBody(raw, &jr); err == nil {
			if jr.Job == nil || jr.Job.Status == "" {
				t.Fatal("a job decoded without error but without a status")
			}
			if p, ok := jr.Job.Percent(); ok && (p < 0 || p > 100 || p != p) {
				t.Fatalf("process %q gave percentage %v", jr.Job.Process, p)
			}
			// A fresh schedule must give a usable wait whatever the
			// job says.
			if w := NewAdaptiveSchedule().Next(1, jr.Job); w <= 0 {
				t.Fatalf("schedule wait %v for process %q", w, jr.Job.Process)
			}
		}
		var id jobIDResponse
		if err := decodeBody(raw, &id); err == nil && id.JobID == "" {
			t.Fatal("a job_id answer decoded without error but without a job_id")
		}
	})
}

func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, []byte(`{"error_code":"DBS.270024","error_msg":"The proxy does not exist."}`))
	f.Add(429, []byte(`{"error_code":"APIG.0308","error_msg":"The throttling threshold has been reached"}`))
	f.Add(502, []byte("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body><center><h1>502 Bad Gateway</h1></center></body>\r\n</html>\r\n"))
	f.Add(503, []byte(`{"code":"APIG.0201","message":"Backend unavailable"}`))
	f.Add(404, []byte(``))
	f.Add(999, []byte(`not json`))
	f.Add(500, []byte(`{"error_code":123,"error_msg":["x"]}`))
	// A gateway page in another language, long enough to be cut short.
	f.Add(502, []byte("<html><body>"+strings.Repeat("网关错误，请稍后重试。", 20)+"</body></html>"))
	// A page in a legacy encoding: not UTF-8 at all.
	f.Add(502, []byte("<html>\xcd\xf8\xb9\xd8\xb4\xed\xce\xf3</html>"))
	f.Fuzz(func(t *testing.T, status int, raw []byte) {
		e := decodeAPIError(http.MethodDelete, "/v3/p/instances/i/proxy", status, "req-7", raw)
		if e == nil || e.Status != status {
			t.Fatalf("decodeAPIError = %+v", e)
		}
		msg := e.Error()
		for _, want := range []string{"DELETE /v3/p/instances/i/proxy", "HTTP " + strconv.Itoa(status), "X-Request-Id req-7"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("error %q lacks %q", msg, want)
			}
		}
		// Error text ends up in Terraform diagnostics and logs, where
		// invalid UTF-8 shows as replacement garbage.
		if !utf8.ValidString(msg) {
			t.Fatalf("error is not valid UTF-8: %q", msg)
		}
		if len(e.Body) > 210 {
			t.Fatalf("body excerpt of %d bytes; want a short one", len(e.Body))
		}
		// Classification never panics and is consistent.
		if IsAuth(e) && IsThrottled(e) && e.Status != http.StatusTooManyRequests && e.Code != codeThrottled {
			t.Fatalf("inconsistent classification of %+v", e)
		}
		_ = IsNotFound(e) || IsBusy(e) || IsJobNotQueryable(e) || MayHaveSucceeded(e)
	})
}
