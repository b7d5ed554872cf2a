// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is an in-memory imitation of the TaurusDB (GaussDB for
// MySQL) database proxy API: proxies, asynchronous jobs, IAM token exchange,
// token and AK/SK authentication, rate limiting, scripted faults and a
// request log.
//
// It exists so that the provider can be tested end to end (the real
// Terraform CLI against a real HTTP server) without a cloud account, and so
// that users can try the provider locally (cmd/taurusdb-emulator). Time is
// read only through Config.Now, and job progress is computed lazily from it,
// so tests advance a fake clock instead of sleeping.
package emulator

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultProjectID is the project ID used when Config.ProjectID is empty. It
// is fixed so that examples and documentation can show it.
const DefaultProjectID = "5c1f3a9e0b7d4e2f8a6c4b2d0e9f7a13"

// DefaultProjectName is the project name (a region name on Huawei Cloud)
// accepted in IAM scopes when Config.ProjectName is empty.
const DefaultProjectName = "cn-north-4"

// maxBody bounds request bodies; the real API's bodies are tiny.
const maxBody = 1 << 20

// User is an IAM user that may exchange a password for a token.
type User struct {
	Name, Password, Domain string // Domain "" accepts any domain name
}

// Config configures an Emulator. The zero value is usable but accepts no
// credentials, so set at least one of Token, AccessKey/SecretKey or Users.
type Config struct {
	ProjectID   string // default DefaultProjectID; ignored when Projects is set
	ProjectName string // accepted as scope.project.name at IAM; default DefaultProjectName; ignored when Projects is set
	// Projects are the IAM projects (regions and sub-projects) the
	// emulator serves, each with its own instances and public IPs. Empty:
	// one project, ProjectName -> ProjectID, which is what every test
	// before multi-project support expects. The first project is
	// ProjectID(); Instances and PublicIPs below belong to it.
	Projects []Project
	// DomainName is the account that owns the projects (their domain_id
	// is DomainIDOf(DomainName)); default DefaultDomainName.
	DomainName string
	// Agencies may be assumed at POST /v3.0/OS-CREDENTIAL/securitytokens.
	Agencies []Agency
	// PublicIPs are EIPs the VPC listing shows in the first project (see
	// vpc.go for how binds add to them).
	PublicIPs []PublicIP

	// MetadataCredentialTTL is the lifetime of the temporary credentials
	// the ECS metadata service hands out; default 1h.
	MetadataCredentialTTL time.Duration
	// NotECS imitates a machine that is not an ECS: every metadata path
	// answers 404 (a real non-ECS host has nothing at 169.254.169.254).
	NotECS bool
	// MetadataNoAgency imitates an ECS without an agency: the securitykey
	// answers 401 with the message the SDK's metadata accessor looks for
	// ("Please configure Cloud Service Agency first").
	MetadataNoAgency bool
	// MetadataRequireToken imitates a metadata service that insists on
	// the session token (PUT /meta-data/latest/api/token, sent back in
	// X-Metadata-Token); without it the token is optional, as the SDK
	// tolerates both.
	MetadataRequireToken bool

	Token         string // static token accepted in X-Auth-Token ("" = none)
	AccessKey     string // AK/SK pair accepted with SDK-HMAC-SHA256 ("" = none)
	SecretKey     string
	SecurityToken string // if set, AK/SK requests must carry it in X-Security-Token
	// AKSKLockout imitates the gateway locking an access key for 5 minutes
	// after 5 bad signatures in a row. Off by default so that tests which
	// probe bad signatures do not affect one another.
	AKSKLockout bool

	Users    []User        // IAM password exchange at POST /v3/auth/tokens
	TokenTTL time.Duration // lifetime of IAM-issued tokens; default 24h

	Instances             []string      // seeded instance IDs of the first project (unless it has its own); default: one generated
	JobDuration           time.Duration // how long a job stays Running; default 2s
	JobInvisible          time.Duration // a new job answers DBS.200543 for this long
	MaxProxiesPerInstance int           // default 4
	RateLimit             float64       // requests/second over all calls; 0 = off
	KeepDeleted           time.Duration // deleted proxies stay listed as DELETED this long
	ReadonlyNodesAsObject bool          // list readonly_nodes as one object (the reference example's shape)
	// OmitJobEntityProxyIDs leaves proxy_ids out of job entities, so tests
	// can prove the client finds a new proxy without them (the public
	// reference does not document what entities holds).
	OmitJobEntityProxyIDs bool
	// NoBalanceRouteMode imitates a proxy kernel without load balancing:
	// proxies list balance_route_mode_enabled false, and create and the
	// route-mode call refuse route_mode 1 and 2.
	NoBalanceRouteMode bool
	// RefuseMultiProxyDelete imitates an API that takes one proxy per
	// delete call: a DELETE naming several proxy_ids answers 400.
	RefuseMultiProxyDelete bool
	// NoSessionConnectionPool imitates a proxy kernel without the
	// session-level connection pool: proxies list
	// switch_connection_pool_type_enabled false, and the connection-pool
	// call refuses SESSION (400 ErrorCodeNoSessionPool). Proxies on a
	// kernel older than 2.22.07.000 behave so without it.
	NoSessionConnectionPool bool
	// NotWhitelisted imitates an account on no feature whitelist: the
	// calls and values the real service opens only on request answer 403
	// ErrorCodeNotWhitelisted. They are the new-node auto-add call (and
	// new_node_auto_add_status ON in create and route-mode), the
	// whitelist-only proxy parameters (WhitelistOnlyParameters) and
	// applying for a private DNS name (an open beta on request).
	NotWhitelisted bool
	// NewProxyVersion is the kernel version new proxies get; default
	// LatestProxyVersion. An older one of ProxyVersions makes every new
	// proxy upgradable.
	NewProxyVersion string

	Log io.Writer // one line per request, if non-nil
	// Now is the emulator's clock (job progress, token expiry, rate limit,
	// signature dates); default time.Now. It is called from server
	// goroutines, so a fake clock must be safe for concurrent use.
	Now func() time.Time
}

// Emulator is the in-memory API. It implements http.Handler; use Start for
// a loopback server or mount it on your own.
type Emulator struct {
	cfg Config

	mu            sync.Mutex // guards everything below
	instances     map[string]*instance
	instanceOrder []string
	jobs          map[string]*job
	jobOrder      []string
	tokens        map[string]issuedToken
	faults        []*faultState
	requests      []Request
	bucket        rateBucket
	badSignatures int
	lockedUntil   time.Time
	addrSeq       int
	projects      []project               // fixed by New, in Config order
	temporary     map[string]temporaryKey // access key -> temporary credentials (iam.go)
	metaTokens    map[string]time.Time    // metadata session token -> expiry (metadata.go)
	publicIPs     []*publicIP             // vpc.go

	logMu     sync.Mutex
	closed    chan struct{}
	closeOnce sync.Once
	servers   map[string]*http.Server // listener name -> server, made by Start
	urls      map[string]string       // listener name -> URL
}

// New builds an Emulator with its seeded instances. It does not listen.
func New(cfg Config) *Emulator {
	if cfg.ProjectID == "" {
		cfg.ProjectID = DefaultProjectID
	}
	if cfg.ProjectName == "" {
		cfg.ProjectName = DefaultProjectName
	}
	normalizeProjects(&cfg)
	if cfg.DomainName == "" {
		cfg.DomainName = DefaultDomainName
	}
	if cfg.MetadataCredentialTTL <= 0 {
		cfg.MetadataCredentialTTL = time.Hour
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	if cfg.JobDuration <= 0 {
		cfg.JobDuration = 2 * time.Second
	}
	if cfg.MaxProxiesPerInstance <= 0 {
		cfg.MaxProxiesPerInstance = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewProxyVersion == "" {
		cfg.NewProxyVersion = LatestProxyVersion
	}
	e := &Emulator{
		cfg:        cfg,
		instances:  map[string]*instance{},
		jobs:       map[string]*job{},
		tokens:     map[string]issuedToken{},
		temporary:  map[string]temporaryKey{},
		metaTokens: map[string]time.Time{},
		closed:     make(chan struct{}),
	}
	e.bucket = newRateBucket(cfg.RateLimit, cfg.Now())
	for _, p := range cfg.Projects {
		e.projects = append(e.projects, project{name: p.Name, id: p.ID})
		ids := p.Instances
		if len(ids) == 0 {
			ids = []string{newInstanceID()}
		}
		for _, id := range ids {
			e.addInstance(id, p.ID)
		}
		for _, ip := range p.PublicIPs {
			e.addPublicIP(p.ID, ip, false)
		}
	}
	return e
}

// Names of the emulator's listeners, as Request.Listener gives them.
const (
	ListenerMain     = "main"     // the TaurusDB API (and IAM, for auth_url = URL()+"/v3")
	ListenerIAM      = "iam"      // IAM alone: IAMURL()
	ListenerMetadata = "metadata" // the ECS metadata service: MetadataURL()
	ListenerVPC      = "vpc"      // the VPC (EIP) API: VPCURL()
)

// listeners is the order Start opens them in.
var listeners = []string{ListenerMain, ListenerIAM, ListenerMetadata, ListenerVPC}

// Start builds an Emulator and serves it on random loopback ports: one
// listener for the TaurusDB API (URL) and one each for IAM, the ECS
// metadata service and VPC, as the real services have hosts of their own.
// A client that sends a credential to the wrong host shows up in the
// request log (Request.Listener, Request.CredentialHeaders). Loopback
// only: the emulator accepts made-up credentials and must not be reachable
// from elsewhere.
func Start(cfg Config) (*Emulator, error) {
	e := New(cfg)
	e.servers, e.urls = map[string]*http.Server{}, map[string]string{}
	for _, name := range listeners {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			e.Close()
			return nil, err
		}
		srv := &http.Server{Handler: e.Handler(name), ReadHeaderTimeout: 10 * time.Second}
		e.servers[name], e.urls[name] = srv, "http://"+ln.Addr().String()
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.logLine("serve " + name + ": " + err.Error())
			}
		}()
	}
	return e, nil
}

// Handler serves the routes of one listener (ListenerMain, ListenerIAM,
// ListenerMetadata or ListenerVPC), for callers that run their own
// servers; other paths answer 404. ServeHTTP is Handler(ListenerMain).
func (e *Emulator) Handler(listener string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { e.serve(listener, w, r) })
}

// URL is the endpoint for the provider ("http://127.0.0.1:port", without
// /v3). It is empty unless the emulator was made by Start.
func (e *Emulator) URL() string { return e.urls[ListenerMain] }

// IAMURL is IAM's endpoint (auth_url is IAMURL()+"/v3"); "" unless Start.
func (e *Emulator) IAMURL() string { return e.urls[ListenerIAM] }

// MetadataURL stands for http://169.254.169.254; "" unless Start.
func (e *Emulator) MetadataURL() string { return e.urls[ListenerMetadata] }

// VPCURL is the VPC endpoint (publicips); "" unless Start.
func (e *Emulator) VPCURL() string { return e.urls[ListenerVPC] }

// Close stops the servers (if Start made them) and aborts injected
// latencies. It is safe to call more than once.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() {
		close(e.closed)
		for _, srv := range e.servers {
			_ = srv.Close()
		}
	})
}

// ProjectID is the first project's ID (with the default Config, the only
// project).
func (e *Emulator) ProjectID() string { return e.cfg.ProjectID }

func (e *Emulator) now() time.Time { return e.cfg.Now() }

// ServeHTTP runs one request through the pipeline: admission (rate limit,
// routing, authentication, fault selection) under the lock, then an optional
// fault before the handler, the handler itself under the lock, and an
// optional fault after it (the "ambiguous failure": done, but the client
// hears otherwise).
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.serve(ListenerMain, w, r)
}

func (e *Emulator) serve(listener string, w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)

	body, readErr := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if readErr == nil && len(body) > maxBody {
		readErr = errors.New("request body larger than 1 MiB")
	}
	// Restore the body: nothing downstream reads it again today, but a
	// handler that did would otherwise see it empty.
	r.Body = io.NopCloser(bytes.NewReader(body))

	entry := Request{
		Method:            r.Method,
		Path:              r.URL.Path,
		RawQuery:          r.URL.RawQuery,
		Body:              redactBody(r.URL.Path, body),
		RequestID:         reqID,
		At:                e.now(),
		Listener:          listener,
		CredentialHeaders: credentialHeaders(r.Header),
	}
	// The entry is recorded before the answer goes out, so a client that
	// has its answer always finds the request in Requests().
	recorded := false
	commit := func(status int) {
		entry.Status, recorded = status, true
		e.record(entry, time.Since(started))
	}
	defer func() {
		if !recorded { // a handler panicked
			commit(0)
		}
	}()

	c := &call{req: r, body: body, query: r.URL.Query(), reqID: reqID, listener: listener}
	early, rt, fault := e.admit(c, readErr)
	if early != nil {
		early.send(w, commit)
		return
	}
	if fault != nil {
		entry.Fault = fault.describe()
		if fault.Kind == FaultJobFails || fault.Kind == FaultJobHangs {
			// These act on the job the handler creates, not on the answer.
			c.jobFault = fault
			fault = nil
		}
	}
	if fault != nil && !fault.After && e.applyFault(w, r, fault, commit) {
		return
	}

	resp := e.dispatch(rt, c)

	if fault != nil && fault.After && e.applyFault(w, r, fault, commit) {
		return
	}
	resp.send(w, commit)
}

// admit does everything that decides whether the request reaches a handler.
// It returns either an early response, or the route and the fault (if any)
// to apply.
func (e *Emulator) admit(c *call, readErr error) (*response, *matchedRoute, *Fault) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.advance(now)

	// The rate limit and the faults stand for the TaurusDB API gateway:
	// they act on the main listener only, and the other services have
	// switches of their own (NotECS, MetadataNoAgency).
	main := c.listener == ListenerMain
	if main {
		if ok, retryAfter := e.bucket.take(now); !ok {
			resp := apiError(http.StatusTooManyRequests, codeThrottled, "The throttling threshold has been reached: the emulator's rate limit is %g requests per second", e.cfg.RateLimit)
			resp.setHeader("Retry-After", retryAfter)
			return &resp, nil, nil
		}
	}

	rt := resolve(c.listener, c.req.Method, c.req.URL.Path)
	if rt == nil {
		resp := apiError(http.StatusNotFound, codeNoSuchAPI, "The API does not exist or has not been published in the environment: %s %s", c.req.Method, c.req.URL.Path)
		return &resp, nil, nil
	}
	if readErr != nil {
		resp := apiError(http.StatusBadRequest, codeBadRequest, "reading the request body: %v", readErr)
		return &resp, nil, nil
	}
	switch rt.auth {
	case authProject:
		scope, fail := e.authenticate(c, now)
		if fail != nil {
			return fail, nil, nil
		}
		if _, known := e.projectByID(rt.projectID); !known || (scope != "" && scope != rt.projectID) {
			resp := apiError(http.StatusForbidden, codeForbiddenProject, "the project %q in the URL is not accessible with these credentials (this emulator serves the projects %s)", rt.projectID, strings.Join(e.projectIDs(), ", "))
			return &resp, nil, nil
		}
		c.projectID = rt.projectID
	case authIAM:
		if fail := e.authenticateIAM(c, now); fail != nil {
			return fail, nil, nil
		}
	}
	c.params = rt.params
	if !main {
		return nil, rt, nil
	}
	return nil, rt, e.pickFault(c.req.Method, rt.relPath, rt.pattern)
}

// dispatch runs the handler under the lock, after bringing jobs up to date.
func (e *Emulator) dispatch(rt *matchedRoute, c *call) response {
	e.mu.Lock()
	defer e.mu.Unlock()
	c.now = e.now()
	e.advance(c.now)
	return rt.handle(e, c)
}

// call is what a handler gets to see of a request.
type call struct {
	req       *http.Request
	body      []byte
	query     map[string][]string
	params    map[string]string
	reqID     string
	listener  string // the listener that got the request
	projectID string // the project of the URL, for project APIs
	now       time.Time
	jobFault  *Fault // FaultJobFails / FaultJobHangs for the job this call creates
}

func (c *call) queryValue(k string) (string, bool) {
	v, ok := c.query[k]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}
