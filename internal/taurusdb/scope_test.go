// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

func TestProjectScoper_akskAndToken(t *testing.T) {
	base := AKSKAuth{AccessKey: testAK, SecretKey: testSK, SecurityToken: testSTS, ProjectID: "p1"}
	scoped, ok := base.ForProject("p2").(AKSKAuth)
	if !ok || scoped.ProjectID != "p2" || scoped.AccessKey != testAK || scoped.SecretKey != testSK || scoped.SecurityToken != testSTS || base.ProjectID != "p1" {
		t.Fatalf("AKSKAuth.ForProject = %#v (base %q)", scoped, base.ProjectID)
	}
	req, _ := http.NewRequest(http.MethodGet, "https://iam.example.com/v3/projects", nil)
	_ = base.ForProject("").Authenticate(context.Background(), req, nil)
	if req.Header.Get("X-Project-Id") != "" {
		t.Error(`ForProject("") still sends X-Project-Id`)
	}
	if tok := (TokenAuth{Token: "t"}).ForProject("p2"); tok != (TokenAuth{Token: "t"}) {
		t.Errorf("TokenAuth.ForProject = %#v", tok)
	}
}

// Each project gets its own token, asked for once; the domain-scoped one
// (project "") names the domain.
func TestProjectScoper_passwordScopesTokens(t *testing.T) {
	var mu sync.Mutex
	scopes := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req iamTokenRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		key := ""
		switch sc := req.Auth.Scope; {
		case sc.Project != nil && sc.Domain == nil:
			key = "project:" + sc.Project.ID
		case sc.Domain != nil && sc.Project == nil:
			key = "domain:" + sc.Domain.Name
		default:
			t.Errorf("scope %+v names both or neither", sc)
		}
		mu.Lock()
		scopes[key]++
		mu.Unlock()
		w.Header().Set("X-Subject-Token", key)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"token":{"expires_at":"2999-01-01T00:00:00Z"}}`)
	}))
	defer srv.Close()
	base := &PasswordAuth{AuthURL: srv.URL + "/v3", UserName: "u", Password: "pw", DomainName: "acme", ProjectID: "p1"}
	if base.ForProject("p1") != Authenticator(base) {
		t.Error("ForProject of its own project should be itself")
	}
	ctx := context.Background()
	for range 2 {
		for _, p := range []string{"p1", "p2", ""} {
			pa, ok := base.ForProject(p).(*PasswordAuth)
			if !ok {
				t.Fatalf("ForProject(%q) is %T", p, pa)
			}
			tok, err := pa.Token(ctx)
			want := "project:" + p
			if p == "" {
				want = "domain:acme"
			}
			if err != nil || tok != want {
				t.Fatalf("ForProject(%q) token %q %v, want %q", p, tok, err, want)
			}
		}
	}
	if len(scopes) != 3 || scopes["project:p1"] != 1 || scopes["project:p2"] != 1 || scopes["domain:acme"] != 1 {
		t.Errorf("token requests %v; want one per scope", scopes)
	}
}
