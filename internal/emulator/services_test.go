// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/signer"
)

// sendTo issues a request to one of the emulator's listeners; prepare sets
// the credentials (nil: none).
func sendTo(t *testing.T, base, method, path string, body string, prepare func(*http.Request)) result {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if prepare != nil {
		prepare(req)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := result{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// signedAs signs with the given keys at the fake clock's time, adding
// headers (X-Project-Id, X-Security-Token) before signing.
func signedAs(clk *fakeClock, ak, sk, body string, headers map[string]string) func(*http.Request) {
	return func(r *http.Request) {
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		signer.Sign(r, []byte(body), signer.Credentials{AccessKey: ak, SecretKey: sk}, clk.Now())
	}
}

func withToken(tok string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("X-Auth-Token", tok) }
}

var testProjects = []Project{
	{Name: "cn-north-4", ID: DefaultProjectID},
	{Name: "cn-north-4_dev"},
	{Name: "eu-west-101", Instances: []string{"0123456789abcdef0123456789abcdefin07"}},
}

func TestProjects_defaultIsTheSingleProjectOfBefore(t *testing.T) {
	e := New(Config{})
	if got := e.ProjectIDs(); !slices.Equal(got, []string{DefaultProjectID}) {
		t.Fatalf("ProjectIDs = %v", got)
	}
	if e.ProjectID() != DefaultProjectID || e.ProjectIDOf(DefaultProjectName) != DefaultProjectID || e.ProjectIDOf("eu-west-101") != "" {
		t.Fatal("default project accessors")
	}
	if !slices.Equal(e.InstancesOf(DefaultProjectID), e.InstanceIDs()) || len(e.InstanceIDs()) != 1 {
		t.Fatalf("InstancesOf = %v, InstanceIDs = %v", e.InstancesOf(DefaultProjectID), e.InstanceIDs())
	}
}

func TestProjects_eachProjectReachesOnlyItsOwnInstancesAndJobs(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.Projects = testProjects })
	dev, eu := e.ProjectIDOf("cn-north-4_dev"), e.ProjectIDOf("eu-west-101")
	if dev != ProjectIDFor("cn-north-4_dev") || eu != ProjectIDFor("eu-west-101") || e.ProjectID() != DefaultProjectID {
		t.Fatalf("project IDs: %v", e.ProjectIDs())
	}
	if got := e.InstancesOf(eu); !slices.Equal(got, []string{"0123456789abcdef0123456789abcdefin07"}) {
		t.Fatalf("InstancesOf(eu) = %v", got)
	}
	if len(e.InstancesOf(dev)) != 1 || len(e.InstanceIDs()) != 3 || e.InstancesOf(NewProjectID()) != nil {
		t.Fatalf("instances: %v", e.InstanceIDs())
	}
	added := e.AddInstanceTo(dev)
	if !slices.Contains(e.InstancesOf(dev), added) || e.AddInstanceTo(NewProjectID()) != "" {
		t.Fatal("AddInstanceTo")
	}

	euInst := e.InstancesOf(eu)[0]
	expectStatus(t, send(t, e, "GET", "/v3/"+eu+"/instances/"+euInst+"/proxies", nil), http.StatusOK, "")
	// Under another project's URL it is an unknown instance.
	expectStatus(t, send(t, e, "GET", "/v3/"+dev+"/instances/"+euInst+"/proxies", nil), http.StatusNotFound, codeInstanceNotFound)
	expectStatus(t, send(t, e, "GET", "/instances/"+euInst, nil), http.StatusNotFound, codeInstanceNotFound)

	r := send(t, e, "POST", "/v3/"+eu+"/instances/"+euInst+"/proxy", map[string]any{"flavor_ref": "gaussdb.proxy.large.x86.2", "node_num": 2})
	expectStatus(t, r, http.StatusCreated, "")
	job := r.str("job_id")
	expectStatus(t, send(t, e, "GET", "/v3/"+eu+"/jobs?id="+job, nil), http.StatusOK, "")
	expectStatus(t, send(t, e, "GET", "/v3/"+dev+"/jobs?id="+job, nil), http.StatusBadRequest, codeJobNotFound)

	// An unknown project is refused, as before.
	expectStatus(t, send(t, e, "GET", "/v3/"+NewProjectID()+"/instances/"+euInst+"/proxies", nil), http.StatusForbidden, codeForbiddenProject)
}

func TestIAM_tokensScopedToAnyProjectByNameOrToTheDomain(t *testing.T) {
	e, _ := start(t, func(c *Config) {
		c.Token = ""
		c.Projects = testProjects
		c.Users = []User{{Name: "alice", Password: "pw", Domain: "acme"}}
	})
	eu := e.ProjectIDOf("eu-west-101")
	euInst := e.InstancesOf(eu)[0]
	token := func(scope map[string]any) string {
		t.Helper()
		b := iamBody("alice", "pw", "acme", nil)
		b["auth"].(map[string]any)["scope"] = scope
		raw, _ := json.Marshal(b)
		r := sendTo(t, e.IAMURL(), "POST", "/v3/auth/tokens", string(raw), nil)
		expectStatus(t, r, http.StatusCreated, "")
		return r.header.Get("X-Subject-Token")
	}
	euTok := token(map[string]any{"project": map[string]string{"name": "eu-west-101"}})
	expectStatus(t, sendWith(t, e, "GET", "/v3/"+eu+"/instances/"+euInst+"/proxies", nil, withToken(euTok)), http.StatusOK, "")
	expectStatus(t, sendWith(t, e, "GET", "/instances/"+inst0(e)+"/proxies", nil, withToken(euTok)), http.StatusForbidden, codeForbiddenProject)

	for _, d := range []map[string]string{{"name": "acme"}, {"id": DomainIDOf("acme")}} {
		r := func() result {
			b := iamBody("alice", "pw", "acme", nil)
			b["auth"].(map[string]any)["scope"] = map[string]any{"domain": d}
			raw, _ := json.Marshal(b)
			return sendTo(t, e.URL(), "POST", "/v3/auth/tokens", string(raw), nil)
		}()
		expectStatus(t, r, http.StatusCreated, "")
		if dom, _ := r.body["token"].(map[string]any)["domain"].(map[string]any); dom["id"] != DomainIDOf("acme") {
			t.Fatalf("domain-scoped token body: %s", r.raw)
		}
		tok := r.header.Get("X-Subject-Token")
		// Project APIs refuse a domain-scoped token; IAM takes it.
		expectStatus(t, sendWith(t, e, "GET", "/instances/"+inst0(e)+"/proxies", nil, withToken(tok)), http.StatusForbidden, codeForbiddenProject)
		expectStatus(t, sendTo(t, e.IAMURL(), "GET", "/v3/projects?name=eu-west-101", "", withToken(tok)), http.StatusOK, "")
	}
	b := iamBody("alice", "pw", "acme", nil)
	b["auth"].(map[string]any)["scope"] = map[string]any{"domain": map[string]string{"name": "other"}}
	raw, _ := json.Marshal(b)
	expectStatus(t, sendTo(t, e.IAMURL(), "POST", "/v3/auth/tokens", string(raw), nil), http.StatusUnauthorized, "")
}

func TestIAM_listProjectsByName(t *testing.T) {
	e, clk := akskEmulator(t, func(c *Config) {
		c.Projects = testProjects
		c.Users = []User{{Name: "bob", Password: "pw"}}
	})
	list := func(query string, prepare func(*http.Request)) result {
		t.Helper()
		return sendTo(t, e.IAMURL(), "GET", "/v3/projects"+query, "", prepare)
	}
	expectStatus(t, list("?name=cn-north-4", nil), http.StatusUnauthorized, codeAuth)

	// AK/SK without X-Project-Id, as the SDK signs this call.
	r := list("?name=cn-north-4_dev", signedAs(clk, "AKTEST", "SKTEST", "", nil))
	expectStatus(t, r, http.StatusOK, "")
	ps, _ := r.body["projects"].([]any)
	if len(ps) != 1 {
		t.Fatalf("projects: %s", r.raw)
	}
	p := ps[0].(map[string]any)
	if p["id"] != e.ProjectIDOf("cn-north-4_dev") || p["name"] != "cn-north-4_dev" || p["enabled"] != true ||
		p["domain_id"] != e.DomainID() || p["parent_id"] != DefaultProjectID {
		t.Fatalf("project: %v", p)
	}
	if r.header.Get("X-IAM-Trace-Id") == "" {
		t.Error("no X-IAM-Trace-Id")
	}
	r = list("?name=cn-north-4", signedAs(clk, "AKTEST", "SKTEST", "", nil))
	if ps := r.body["projects"].([]any); len(ps) != 1 || ps[0].(map[string]any)["parent_id"] != e.DomainID() {
		t.Fatalf("a region's project is the account's child: %s", r.raw)
	}
	r = list("?name=ap-nowhere-1", signedAs(clk, "AKTEST", "SKTEST", "", nil))
	expectStatus(t, r, http.StatusOK, "")
	if ps := r.body["projects"].([]any); len(ps) != 0 {
		t.Fatalf("unknown name: %s", r.raw)
	}
	r = list("", signedAs(clk, "AKTEST", "SKTEST", "", nil))
	if ps := r.body["projects"].([]any); len(ps) != 3 {
		t.Fatalf("all projects: %s", r.raw)
	}
	// The same call on the main listener (auth_url = URL()+"/v3").
	r = sendTo(t, e.URL(), "GET", "/v3/projects?name=eu-west-101", "", signedAs(clk, "AKTEST", "SKTEST", "", nil))
	expectStatus(t, r, http.StatusOK, "")

	// An unscoped token cannot list.
	r = sendTo(t, e.IAMURL(), "POST", "/v3/auth/tokens", mustJSON(t, iamBody("bob", "pw", "d", nil)), nil)
	expectStatus(t, r, http.StatusCreated, "")
	expectStatus(t, list("?name=cn-north-4", withToken(r.header.Get("X-Subject-Token"))), http.StatusForbidden, "")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func agencyBody(agency, domainKey, domain string, seconds int) string {
	ar := map[string]any{"agency_name": agency, domainKey: domain}
	if seconds != 0 {
		ar["duration_seconds"] = seconds
	}
	b, _ := json.Marshal(map[string]any{"auth": map[string]any{"identity": map[string]any{
		"methods": []string{"assume_role"}, "assume_role": ar,
	}}})
	return string(b)
}

// credential decodes a {"credential": {...}} answer.
func credential(t *testing.T, r result) (ak, sk, token string, expires time.Time) {
	t.Helper()
	c, _ := r.body["credential"].(map[string]any)
	ak, _ = c["access"].(string)
	sk, _ = c["secret"].(string)
	token, _ = c["securitytoken"].(string)
	at, _ := c["expires_at"].(string)
	// The layout the SDK's metadata accessor parses with.
	expires, err := time.ParseInLocation("2006-01-02T15:04:05Z", at, time.UTC)
	if err != nil || ak == "" || sk == "" || token == "" {
		t.Fatalf("credential %s: %v", r.raw, err)
	}
	return ak, sk, token, expires
}

func TestIAM_assumeRoleGivesTemporaryKeysUntilTheyExpire(t *testing.T) {
	e, clk := akskEmulator(t, func(c *Config) {
		c.Agencies = []Agency{{Name: "taurusdb_admin", DomainName: "acme"}}
	})
	create := func(body string, prepare func(*http.Request)) result {
		t.Helper()
		return sendTo(t, e.IAMURL(), "POST", "/v3.0/OS-CREDENTIAL/securitytokens", body, prepare)
	}
	asCaller := func(body string) func(*http.Request) { return signedAs(clk, "AKTEST", "SKTEST", body, nil) }

	ok := agencyBody("taurusdb_admin", "domain_name", "acme", 3600)
	expectStatus(t, create(ok, nil), http.StatusUnauthorized, codeAuth)
	for _, bad := range []struct {
		body   string
		status int
	}{
		{agencyBody("other", "domain_name", "acme", 0), http.StatusForbidden},
		{agencyBody("taurusdb_admin", "domain_name", "other", 0), http.StatusForbidden},
		{agencyBody("taurusdb_admin", "domain_name", "acme", 600), http.StatusBadRequest},
		{agencyBody("taurusdb_admin", "domain_name", "acme", 86401), http.StatusBadRequest},
		{agencyBody("taurusdb_admin", "domain_name", "", 0), http.StatusBadRequest},
		{`{"auth":{"identity":{"methods":["token"]}}}`, http.StatusBadRequest},
	} {
		expectStatus(t, create(bad.body, asCaller(bad.body)), bad.status, "")
	}
	byID := agencyBody("taurusdb_admin", "domain_id", DomainIDOf("acme"), 0)
	r := create(byID, asCaller(byID))
	expectStatus(t, r, http.StatusCreated, "")
	if _, _, _, exp := credential(t, r); !exp.Equal(clk.Now().Add(15 * time.Minute).Truncate(time.Microsecond)) {
		t.Fatalf("default duration: expires %v, now %v", exp, clk.Now())
	}

	r = create(ok, asCaller(ok))
	expectStatus(t, r, http.StatusCreated, "")
	ak, sk, sec, expires := credential(t, r)
	if !expires.Equal(clk.Now().Add(time.Hour)) {
		t.Fatalf("expires_at %v, want now+1h", expires)
	}
	path := "/v3/" + e.ProjectID() + "/instances/" + inst0(e) + "/proxies"
	withSec := signedAs(clk, ak, sk, "", map[string]string{"X-Project-Id": e.ProjectID(), "X-Security-Token": sec})
	expectStatus(t, sendTo(t, e.URL(), "GET", path, "", withSec), http.StatusOK, "")
	expectStatus(t, sendTo(t, e.IAMURL(), "GET", "/v3/projects?name=cn-north-4", "", signedAs(clk, ak, sk, "", map[string]string{"X-Security-Token": sec})), http.StatusOK, "")
	expectStatus(t, sendTo(t, e.URL(), "GET", path, "", signedAs(clk, ak, sk, "", nil)), http.StatusUnauthorized, codeAuth)
	expectStatus(t, sendTo(t, e.URL(), "GET", path, "", signedAs(clk, ak, sk, "", map[string]string{"X-Security-Token": "other"})), http.StatusUnauthorized, codeAuth)
	if e.TemporaryKeys() != 2 {
		t.Fatalf("TemporaryKeys = %d", e.TemporaryKeys())
	}

	clk.Advance(time.Hour)
	r = sendTo(t, e.URL(), "GET", path, "", signedAs(clk, ak, sk, "", map[string]string{"X-Security-Token": sec}))
	expectStatus(t, r, http.StatusUnauthorized, codeAuth)
	if !strings.Contains(r.str("error_msg"), "expired") {
		t.Errorf("error_msg = %q", r.str("error_msg"))
	}
	for _, req := range e.Requests() {
		if strings.Contains(string(req.Body), sk) || strings.Contains(string(req.Body), sec) {
			t.Fatal("a secret reached the request log")
		}
	}
}

func TestMetadata_securityKeyWithAndWithoutSessionToken(t *testing.T) {
	e, clk := start(t, func(c *Config) { c.MetadataCredentialTTL = 10 * time.Minute })
	m := e.MetadataURL()
	r := sendTo(t, m, "GET", "/openstack/latest/securitykey", "", nil)
	expectStatus(t, r, http.StatusOK, "")
	ak, sk, sec, expires := credential(t, r)
	if !expires.Equal(clk.Now().Add(10 * time.Minute)) {
		t.Fatalf("expires %v", expires)
	}
	path := "/v3/" + e.ProjectID() + "/instances/" + inst0(e) + "/proxies"
	use := signedAs(clk, ak, sk, "", map[string]string{"X-Project-Id": e.ProjectID(), "X-Security-Token": sec})
	expectStatus(t, sendTo(t, e.URL(), "GET", path, "", use), http.StatusOK, "")
	clk.Advance(10 * time.Minute)
	use = signedAs(clk, ak, sk, "", map[string]string{"X-Project-Id": e.ProjectID(), "X-Security-Token": sec})
	expectStatus(t, sendTo(t, e.URL(), "GET", path, "", use), http.StatusUnauthorized, codeAuth)

	// The session token the SDK's accessor asks for first.
	r = sendTo(t, m, "PUT", "/meta-data/latest/api/token", "", func(r *http.Request) { r.Header.Set("X-Metadata-Token-Ttl-Seconds", "60") })
	expectStatus(t, r, http.StatusOK, "")
	tok := string(r.raw)
	withTok := func(r *http.Request) { r.Header.Set("X-Metadata-Token", tok) }
	expectStatus(t, sendTo(t, m, "GET", "/openstack/latest/securitykey", "", withTok), http.StatusOK, "")
	clk.Advance(time.Minute)
	expectStatus(t, sendTo(t, m, "GET", "/openstack/latest/securitykey", "", withTok), http.StatusUnauthorized, "")

	for _, req := range e.Requests() {
		if req.Listener == ListenerMetadata && len(req.CredentialHeaders) > 0 {
			t.Fatalf("credentials reached the metadata service: %+v", req)
		}
	}
}

func TestMetadata_switches(t *testing.T) {
	e, _ := start(t, func(c *Config) { c.NotECS = true })
	expectStatus(t, sendTo(t, e.MetadataURL(), "PUT", "/meta-data/latest/api/token", "", nil), http.StatusNotFound, "")
	expectStatus(t, sendTo(t, e.MetadataURL(), "GET", "/openstack/latest/securitykey", "", nil), http.StatusNotFound, "")

	e, _ = start(t, func(c *Config) { c.MetadataNoAgency = true })
	r := sendTo(t, e.MetadataURL(), "GET", "/openstack/latest/securitykey", "", nil)
	if r.status != http.StatusUnauthorized || !strings.Contains(string(r.raw), "Please configure Cloud Service Agency first") {
		t.Fatalf("no agency: %d %s", r.status, r.raw)
	}

	e, _ = start(t, func(c *Config) { c.MetadataRequireToken = true })
	expectStatus(t, sendTo(t, e.MetadataURL(), "GET", "/openstack/latest/securitykey", "", nil), http.StatusUnauthorized, "")
	r = sendTo(t, e.MetadataURL(), "PUT", "/meta-data/latest/api/token", "", nil)
	tok := string(r.raw)
	expectStatus(t, sendTo(t, e.MetadataURL(), "GET", "/openstack/latest/securitykey", "", func(r *http.Request) { r.Header.Set("X-Metadata-Token", tok) }), http.StatusOK, "")
}

func TestVPC_publicIPsByAddressAndBinds(t *testing.T) {
	const seededID = "3c1e6f8a-2b4d-4c6e-8f0a-1b2c3d4e5f60"
	e, clk := start(t, func(c *Config) {
		c.Projects = testProjects
		c.PublicIPs = []PublicIP{{ID: seededID, Address: "203.0.113.10"}}
		c.JobDuration = time.Second
	})
	eu := e.ProjectIDOf("eu-west-101")
	added := e.AddPublicIP(eu, PublicIP{Address: "198.51.100.7"})
	if !uuidRE.MatchString(added) || e.AddPublicIP(NewProjectID(), PublicIP{Address: "198.51.100.8"}) != "" {
		t.Fatalf("AddPublicIP = %q", added)
	}
	list := func(project, query string) []map[string]any {
		t.Helper()
		r := sendTo(t, e.VPCURL(), "GET", "/v1/"+project+"/publicips"+query, "", withToken(testToken))
		expectStatus(t, r, http.StatusOK, "")
		var out []map[string]any
		for _, x := range r.body["publicips"].([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	expectStatus(t, sendTo(t, e.VPCURL(), "GET", "/v1/"+eu+"/publicips", "", nil), http.StatusUnauthorized, codeAuth)
	got := list(e.ProjectID(), "?public_ip_address=203.0.113.10")
	if len(got) != 1 || got[0]["id"] != seededID || got[0]["status"] != "DOWN" || got[0]["port_id"] != nil {
		t.Fatalf("seeded: %v", got)
	}
	if got := list(eu, "?public_ip_address=203.0.113.10"); len(got) != 0 {
		t.Fatalf("another project's EIP listed: %v", got)
	}
	if got := list(eu, "?public_ip_address=198.51.100.7&public_ip_address=203.0.113.10"); len(got) != 1 || got[0]["id"] != added {
		t.Fatalf("repeated public_ip_address: %v", got)
	}

	// Bind the seeded EIP through the proxy API: the listing shows it
	// ACTIVE with the proxy's address; a contradicting ID is refused.
	p := e.SeedProxy(inst0(e), ProxyView{})
	bind := func(ip, id string) result {
		return send(t, e, "PUT", "/instances/"+inst0(e)+"/proxy/"+p+"/bind", map[string]any{"public_ip": ip, "public_ip_id": id, "bind": "true"})
	}
	expectStatus(t, bind("203.0.113.10", "11111111-2222-4333-8444-555555555555"), http.StatusBadRequest, codeBadRequest)
	job := bind("203.0.113.10", seededID).str("job_id")
	clk.Advance(2 * time.Second)
	if getJob(t, e, job)["status"] != JobCompleted {
		t.Fatal("the bind job did not complete")
	}
	got = list(e.ProjectID(), "?public_ip_address=203.0.113.10")
	view, _ := e.Proxy(inst0(e), p)
	if got[0]["status"] != "ACTIVE" || got[0]["port_id"] == nil || got[0]["private_ip_address"] != view.Address {
		t.Fatalf("bound: %v (proxy %+v)", got, view)
	}
	// An unknown address bound through the proxy API is listed with the
	// bind's ID.
	q := e.SeedProxy(inst0(e), ProxyView{})
	const newID = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
	expectStatus(t, send(t, e, "PUT", "/instances/"+inst0(e)+"/proxy/"+q+"/bind", map[string]any{"public_ip": "192.0.2.55", "public_ip_id": newID, "bind": "true"}), http.StatusOK, "")
	if got := list(e.ProjectID(), "?public_ip_address=192.0.2.55"); len(got) != 1 || got[0]["id"] != newID {
		t.Fatalf("registered by the bind: %v", got)
	}
	if ips := e.PublicIPs(e.ProjectID()); len(ips) != 2 {
		t.Fatalf("PublicIPs = %v", ips)
	}
}

func TestListeners_serveOnlyTheirRoutesAndLogCredentialNames(t *testing.T) {
	var log syncBuffer
	e, clk := akskEmulator(t, func(c *Config) { c.Log = &log })
	urls := map[string]string{ListenerMain: e.URL(), ListenerIAM: e.IAMURL(), ListenerMetadata: e.MetadataURL(), ListenerVPC: e.VPCURL()}
	for name, u := range urls {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Fatalf("%s listener at %q", name, u)
		}
	}
	proxies := "/v3/" + e.ProjectID() + "/instances/" + inst0(e) + "/proxies"
	publicips := "/v1/" + e.ProjectID() + "/publicips"
	cases := []struct {
		listener, method, path string
		status                 int
	}{
		{ListenerMain, "GET", proxies, http.StatusOK},
		{ListenerMain, "GET", "/v3/projects", http.StatusOK},
		{ListenerMain, "GET", publicips, http.StatusNotFound},
		{ListenerMain, "GET", "/openstack/latest/securitykey", http.StatusNotFound},
		{ListenerIAM, "GET", "/v3/projects", http.StatusOK},
		{ListenerIAM, "GET", proxies, http.StatusNotFound},
		{ListenerIAM, "GET", publicips, http.StatusNotFound},
		{ListenerMetadata, "GET", "/v3/projects", http.StatusNotFound},
		{ListenerMetadata, "GET", proxies, http.StatusNotFound},
		{ListenerVPC, "GET", publicips, http.StatusOK},
		{ListenerVPC, "POST", "/v3/auth/tokens", http.StatusNotFound},
		{ListenerVPC, "GET", proxies, http.StatusNotFound},
	}
	for _, c := range cases {
		r := sendTo(t, urls[c.listener], c.method, c.path, "", signedAs(clk, "AKTEST", "SKTEST", "", map[string]string{"X-Project-Id": e.ProjectID()}))
		if r.status != c.status {
			t.Errorf("%s %s %s: %d, want %d: %s", c.listener, c.method, c.path, r.status, c.status, r.raw)
		}
	}
	sendTo(t, e.MetadataURL(), "GET", "/openstack/latest/securitykey", "", nil)
	reqs := e.Requests()
	if len(reqs) != len(cases)+1 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	for i, c := range cases {
		if reqs[i].Listener != c.listener || !slices.Equal(reqs[i].CredentialHeaders, []string{"Authorization"}) {
			t.Errorf("request %d: listener %q, credential headers %v", i, reqs[i].Listener, reqs[i].CredentialHeaders)
		}
	}
	if last := reqs[len(reqs)-1]; last.Listener != ListenerMetadata || last.CredentialHeaders != nil {
		t.Errorf("metadata request logged as %+v", last)
	}
	if s := log.String(); !strings.Contains(s, "listener=metadata") || strings.Contains(s, "SKTEST") {
		t.Errorf("log:\n%s", s)
	}
}
