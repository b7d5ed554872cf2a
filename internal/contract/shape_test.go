// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package contract_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// The shape check walks an answer's raw JSON alongside the SDK model it
// should decode into, using the model's json tags. Decoding alone proves
// little: the SDK's decoder ignores unknown keys and leaves missing ones nil,
// so an emulator that sent nothing at all would "decode fine". The walk
// reports, by path:
//   - a key the model lacks (the emulator invented or misspelled it);
//   - a model field missing from the JSON;
//   - a JSON type that does not fit the field (string vs number vs array);
//   - a zero value: "", 0 or [] where a real answer carries something;
//   - for a key allowed beyond the model (allowances.beyond): missing, or
//     not a non-empty string.
// Paths look like proxy_list[].proxy.nodes[].az_code (no indexes), which is
// also how the allowances below name them.

// allowances are the explicit exceptions to the rules above, each with the
// reason it is legitimate. Keep them narrow: every entry is a place where
// the check is blind.
type allowances struct {
	empty  map[string]string // a zero value is legitimate here
	absent map[string]string // the key may be missing
	open   map[string]string // keys the model lacks are allowed below here
	null   map[string]string // JSON null is legitimate here (IAM's links.previous)
	// beyond names single keys the SDK model lacks that the real API is
	// known to send, by full path (proxy_list[].proxy.dns_name), with the
	// evidence. Only that key at that path is let through, and only as a
	// non-empty string (the one kind needed so far). It is then held like a
	// model field: missing is a problem unless absent allows it too. A
	// beyond key the model has is reported, so the entry is dropped once
	// the SDK catches up.
	beyond map[string]string
}

func (a allowances) with(more allowances) allowances {
	out := allowances{empty: map[string]string{}, absent: map[string]string{}, open: map[string]string{}, null: map[string]string{}, beyond: map[string]string{}}
	for _, src := range []allowances{a, more} {
		for k, v := range src.empty {
			out.empty[k] = v
		}
		for k, v := range src.absent {
			out.absent[k] = v
		}
		for k, v := range src.open {
			out.open[k] = v
		}
		for k, v := range src.null {
			out.null[k] = v
		}
		for k, v := range src.beyond {
			out.beyond[k] = v
		}
	}
	return out
}

// beyondKeys are the keys beyond allows directly in the object at path.
func (a allowances) beyondKeys(path string) []string {
	var keys []string
	for p := range a.beyond {
		parent, key := "", p
		if i := strings.LastIndex(p, "."); i >= 0 {
			parent, key = p[:i], p[i+1:]
		}
		if parent == path {
			keys = append(keys, key)
		}
	}
	return keys
}

// shapeProblems returns every mismatch between raw and the SDK model type
// of v (a pointer to a model is fine), sorted for stable messages.
func shapeProblems(raw []byte, model any, allow allowances) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []string{fmt.Sprintf("not JSON: %v: %s", err, raw)}
	}
	w := walker{allow: allow}
	w.walk("", doc, reflect.TypeOf(model))
	sort.Strings(w.problems)
	return w.problems
}

type walker struct {
	allow    allowances
	problems []string
}

func (w *walker) fail(path, format string, args ...any) {
	if path == "" {
		path = "(top)"
	}
	w.problems = append(w.problems, path+": "+fmt.Sprintf(format, args...))
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// isEnum reports whether t is one of the SDK's enums: a struct with only
// unexported fields and a Value method, sent as a JSON string, or as a
// number when its value field is an integer (eip's ip_version).
func isEnum(t reflect.Type) bool {
	if t.Kind() != reflect.Struct || t.NumField() == 0 {
		return false
	}
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			return false
		}
	}
	_, ok := t.MethodByName("Value")
	return ok
}

func (w *walker) walk(path string, v any, t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		if _, ok := w.allow.null[path]; !ok {
			w.fail(path, "null")
		}
		return
	}
	_, emptyOK := w.allow.empty[path]
	switch {
	case isEnum(t) && t.Field(0).Type.Kind() >= reflect.Int && t.Field(0).Type.Kind() <= reflect.Int64:
		if n, ok := v.(json.Number); !ok {
			w.fail(path, "%T %v where the model has an integer enum", v, v)
		} else if _, err := n.Int64(); err != nil {
			w.fail(path, "%s is not an integer", n)
		}
	case t.Kind() == reflect.Interface:
		// The SDK leaves the type open (az_status); it must still carry
		// something.
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 && !emptyOK {
				w.fail(path, "empty object")
			}
		case []any:
			if len(x) == 0 && !emptyOK {
				w.fail(path, "empty array")
			}
		}
	case isEnum(t) || t.Kind() == reflect.String:
		s, ok := v.(string)
		switch {
		case !ok:
			w.fail(path, "%T %v where the model has a string", v, v)
		case s == "" && !emptyOK:
			w.fail(path, `"" where a real answer carries a value`)
		}
	case t.Kind() == reflect.Bool:
		if _, ok := v.(bool); !ok {
			w.fail(path, "%T %v where the model has a bool", v, v)
		}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		n, ok := v.(json.Number)
		if !ok {
			w.fail(path, "%T %v where the model has an integer", v, v)
			return
		}
		i, err := n.Int64()
		switch {
		case err != nil:
			w.fail(path, "%s is not an integer", n)
		case i == 0 && !emptyOK:
			w.fail(path, "0 where a real answer carries a value")
		}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		if _, ok := v.(json.Number); !ok {
			w.fail(path, "%T %v where the model has a number", v, v)
		}
	case t.Kind() == reflect.Slice:
		xs, ok := v.([]any)
		if !ok {
			w.fail(path, "%T where the model has an array", v)
			return
		}
		if len(xs) == 0 && !emptyOK {
			w.fail(path, "[] where a real answer carries elements")
		}
		for _, x := range xs {
			w.walk(path+"[]", x, t.Elem())
		}
	case t.Kind() == reflect.Struct:
		w.walkObject(path, v, t)
	default:
		w.fail(path, "the check does not know the model kind %s", t.Kind())
	}
}

func (w *walker) walkObject(path string, v any, t reflect.Type) {
	obj, ok := v.(map[string]any)
	if !ok {
		w.fail(path, "%T where the model has an object", v)
		return
	}
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" {
			continue
		}
		fields[name] = f.Type
	}
	beyond := map[string]bool{}
	for _, k := range w.allow.beyondKeys(path) {
		beyond[k] = true
		p := join(path, k)
		if _, inModel := fields[k]; inModel {
			w.fail(p, "allowed as beyond the SDK model %s, which has it now: drop the allowance", t.Name())
			continue
		}
		x, present := obj[k]
		if !present {
			if _, ok := w.allow.absent[p]; !ok {
				w.fail(p, "missing (allowed beyond the SDK model %s, and not allowed absent)", t.Name())
			}
			continue
		}
		switch s, ok := x.(string); {
		case !ok:
			w.fail(p, "%T %v where a non-empty string is allowed beyond the SDK model %s", x, x, t.Name())
		case s == "":
			w.fail(p, `"" where a non-empty string is allowed beyond the SDK model %s`, t.Name())
		}
	}
	if _, open := w.allow.open[path]; !open {
		for k := range obj {
			if _, known := fields[k]; !known && !beyond[k] {
				w.fail(join(path, k), "key not in the SDK model %s", t.Name())
			}
		}
	}
	for name, ft := range fields {
		p := join(path, name)
		x, present := obj[name]
		if !present {
			if _, ok := w.allow.absent[p]; !ok {
				w.fail(p, "missing (the SDK model %s has it)", t.Name())
			}
			continue
		}
		w.walk(p, x, ft)
	}
}
