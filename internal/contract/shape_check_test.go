// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package contract_test

import (
	"strings"
	"testing"
)

// A model built like the SDK's: pointers with omitempty, a string enum with
// an unexported value, and the response-only status field tagged "-".
type fakeEnum struct{ value string }

func (e fakeEnum) Value() string { return e.value }

// An integer enum, as the SDK's eip PublicipShowRespIpVersion.
type fakeIntEnum struct{ value int32 }

func (e fakeIntEnum) Value() int32 { return e.value }

type withIntEnum struct {
	V *fakeIntEnum `json:"v,omitempty"`
}

type fakeZone struct {
	Code *string `json:"code,omitempty"`
}

type fakeModel struct {
	Name       *string     `json:"name,omitempty"`
	Port       *int32      `json:"port,omitempty"`
	Kind       *fakeEnum   `json:"kind,omitempty"`
	On         *bool       `json:"on,omitempty"`
	Zones      *[]fakeZone `json:"zones,omitempty"`
	StatusCode int         `json:"-"`
}

// The check must be able to fail, or the contract tests prove nothing.
func TestShapeCheck_reportsEachKindOfMismatch(t *testing.T) {
	good := `{"name":"p","port":3306,"kind":"readwrite","on":false,"zones":[{"code":"az1"}]}`
	if got := shapeProblems([]byte(good), &fakeModel{}, allowances{}); len(got) != 0 {
		t.Fatalf("a conforming answer has problems: %v", got)
	}
	cases := []struct{ name, raw, want string }{
		{"extra key", `{"name":"p","port":3306,"kind":"x","on":true,"zones":[{"code":"a"}],"total_count":1}`, "total_count: key not in the SDK model"},
		{"nested extra key", `{"name":"p","port":3306,"kind":"x","on":true,"zones":[{"code":"a","desc":"b"}]}`, "zones[].desc: key not in the SDK model"},
		{"missing key", `{"name":"p","port":3306,"kind":"x","zones":[{"code":"a"}]}`, "on: missing"},
		{"string for a number", `{"name":"p","port":"3306","kind":"x","on":true,"zones":[{"code":"a"}]}`, "port: string 3306 where the model has an integer"},
		{"string for an array", `{"name":"p","port":3306,"kind":"x","on":true,"zones":"az1"}`, "zones: string where the model has an array"},
		{"bool as string", `{"name":"p","port":3306,"kind":"x","on":"true","zones":[{"code":"a"}]}`, "on: string true where the model has a bool"},
		{"enum as number", `{"name":"p","port":3306,"kind":1,"on":true,"zones":[{"code":"a"}]}`, "kind: json.Number 1 where the model has a string"},
		{"empty string", `{"name":"","port":3306,"kind":"x","on":true,"zones":[{"code":"a"}]}`, `name: "" where`},
		{"zero number", `{"name":"p","port":0,"kind":"x","on":true,"zones":[{"code":"a"}]}`, "port: 0 where"},
		{"empty array", `{"name":"p","port":3306,"kind":"x","on":true,"zones":[]}`, "zones: [] where"},
		{"null", `{"name":null,"port":3306,"kind":"x","on":true,"zones":[{"code":"a"}]}`, "name: null"},
		{"not JSON", `{"name":`, "not JSON"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(shapeProblems([]byte(c.raw), &fakeModel{}, allowances{}), "\n")
			if !strings.Contains(got, c.want) {
				t.Fatalf("problems = %q, want one containing %q", got, c.want)
			}
		})
	}

	// Integer enums (eip's ip_version) are numbers; null only where allowed.
	if got := shapeProblems([]byte(`{"v":4}`), &withIntEnum{}, allowances{}); len(got) != 0 {
		t.Fatalf("an integer enum as a number: %v", got)
	}
	if got := shapeProblems([]byte(`{"v":"4"}`), &withIntEnum{}, allowances{}); len(got) != 1 {
		t.Fatalf("an integer enum as a string passed: %v", got)
	}
	if got := shapeProblems([]byte(`{"name":null,"port":1,"kind":"x","on":true,"zones":[{"code":"a"}]}`), &fakeModel{}, allowances{null: map[string]string{"name": "test"}}); len(got) != 0 {
		t.Fatalf("null allowance ignored: %v", got)
	}

	allow := allowances{
		empty:  map[string]string{"name": "test", "zones": "test"},
		absent: map[string]string{"on": "test"},
		open:   map[string]string{"": "test"},
	}
	if got := shapeProblems([]byte(`{"name":"","port":1,"kind":"x","zones":[],"extra":1}`), &fakeModel{}, allow); len(got) != 0 {
		t.Fatalf("allowances ignored: %v", got)
	}
}

// beyond lets one named key the model lacks through, at its path only, as
// a non-empty string; every other extra key still fails.
func TestShapeCheck_beyondAllowsExactlyTheNamedKey(t *testing.T) {
	beyond := allowances{beyond: map[string]string{"zones[].dns_name": "test"}}
	withName := `{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a","dns_name":"db.example.internal"}]}`
	if got := shapeProblems([]byte(withName), &fakeModel{}, beyond); len(got) != 0 {
		t.Fatalf("the allowed key was refused: %v", got)
	}
	cases := []struct {
		name, raw string
		allow     allowances
		want      string
	}{
		{"another extra key beside it", `{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a","dns_name":"db.example.internal","vip":"x"}]}`, beyond, "zones[].vip: key not in the SDK model"},
		{"the same key elsewhere", `{"name":"p","port":1,"kind":"x","on":true,"dns_name":"db.example.internal","zones":[{"code":"a","dns_name":"db"}]}`, beyond, "dns_name: key not in the SDK model"},
		{"not a string", `{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a","dns_name":7}]}`, beyond, "zones[].dns_name: json.Number 7 where a non-empty string"},
		{"empty string", `{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a","dns_name":""}]}`, beyond, `zones[].dns_name: "" where a non-empty string`},
		{"missing", `{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a"}]}`, beyond, "zones[].dns_name: missing"},
		{"a key the model has", withName, beyond.with(allowances{beyond: map[string]string{"zones[].code": "test"}}), "zones[].code: allowed as beyond the SDK model fakeZone, which has it now"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := strings.Join(shapeProblems([]byte(c.raw), &fakeModel{}, c.allow), "\n")
			if !strings.Contains(got, c.want) {
				t.Fatalf("problems = %q, want one containing %q", got, c.want)
			}
		})
	}
	// absent covers the key's absence, as for a model field.
	optional := beyond.with(allowances{absent: map[string]string{"zones[].dns_name": "test"}})
	if got := shapeProblems([]byte(`{"name":"p","port":1,"kind":"x","on":true,"zones":[{"code":"a"}]}`), &fakeModel{}, optional); len(got) != 0 {
		t.Fatalf("absent ignored for a beyond key: %v", got)
	}
}
