// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseImportID: no input panics; an accepted ID is exactly
// "<instance_id>/<proxy_id>" (after trimming spaces) with both parts of the
// documented shapes; a rejected one gets a message that quotes it. Run it
// with:
//
//	go test ./internal/provider -run '^$' -fuzz '^FuzzParseImportID$' -fuzztime 10s
func FuzzParseImportID(f *testing.F) {
	const inst, proxy = "0123456789abcdef0123456789abcdefin07", "151c14381ac14ecfb9703a745b992677po01"
	for _, s := range []string{
		inst + "/" + proxy,
		"  " + inst + "/" + proxy + "\n",
		"0123456789ABCDEF0123456789abcdefin07/151C14381AC14ECFB9703A745B992677po01",
		inst,
		inst + "/",
		"/" + proxy,
		proxy + "/" + inst,
		inst + "/" + proxy + "/extra",
		inst + "//" + proxy,
		"0123456789abcdef0123456789abcdefno07/" + proxy,
		inst + "/151c14381ac14ecfb9703a745b992677pn01",
		inst + " /" + proxy,
		"",
		"/",
		"\xff/\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		gotRegion, gotInst, gotProxy, err := parseImportID(id)
		if err != nil {
			if gotRegion != "" || gotInst != "" || gotProxy != "" {
				t.Fatalf("error %v but parts %q, %q", err, gotInst, gotProxy)
			}
			if !strings.Contains(err.Error(), "import ID") || !utf8.ValidString(err.Error()) {
				t.Fatalf("unhelpful error %q", err)
			}
			return
		}
		if (gotRegion != "" && !regionRe.MatchString(gotRegion)) || !instanceIDRe.MatchString(gotInst) || !proxyIDRe.MatchString(gotProxy) {
			t.Fatalf("accepted %q as instance %q, proxy %q", id, gotInst, gotProxy)
		}
		if gotInst+"/"+gotProxy != strings.TrimSpace(id) {
			t.Fatalf("accepted %q but the parts %q and %q are not all of it", id, gotInst, gotProxy)
		}
		if checkIDs(gotInst, gotProxy) != nil {
			t.Fatalf("parseImportID and checkIDs disagree on %q", id)
		}
	})
}
