// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package taurusdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TemporaryCredentials are an AK/SK pair with its security token, valid
// until ExpiresAt.
type TemporaryCredentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
	ExpiresAt     time.Time
}

// String keeps the secrets out of any %v or %s that meets the value.
func (c TemporaryCredentials) String() string {
	return "temporary credentials (redacted), expiring " + c.ExpiresAt.UTC().Format(time.RFC3339)
}

// GoString does the same for %#v.
func (c TemporaryCredentials) GoString() string { return c.String() }

// CredentialSource fetches fresh temporary credentials.
type CredentialSource interface {
	Fetch(ctx context.Context) (TemporaryCredentials, error)
	// Describe names the source for messages ("ECS metadata",
	// "assume_role agency X"); it never contains a secret.
	Describe() string
}

// DefaultMetadataURL is the ECS instance metadata service.
const DefaultMetadataURL = "http://169.254.169.254"

// The ECS metadata service's token, as the SDK asks for it
// (core/auth/internal/metadata_accessor.go): PUT the token path with a TTL
// header, then send the token with every metadata read. Older metadata
// services answer the PUT 404, 405 or 503; the SDK then reads without a
// token, and so does this client.
const (
	metadataTokenPath   = "/meta-data/latest/api/token" //nolint:gosec // G101: a URL path, not a credential
	metadataKeyPath     = "/openstack/latest/securitykey"
	metadataTokenHeader = "X-Metadata-Token" //nolint:gosec // G101: a header name, not a credential
	metadataTTLHeader   = "X-Metadata-Token-Ttl-Seconds"
	metadataTokenTTL    = 6 * time.Hour // the SDK's DefaultTokenTTLSeconds
)

// MetadataCredentials reads the temporary credentials of the agency
// attached to the ECS instance this runs on: GET
// {BaseURL}/openstack/latest/securitykey. It sends no credentials: the
// metadata service answers only to the instance itself.
type MetadataCredentials struct {
	// BaseURL defaults to DefaultMetadataURL.
	BaseURL    string
	HTTPClient *http.Client
	UserAgent  string
	// Clock times the waits between retries; nil means the wall clock.
	Clock Clock
}

// Describe implements CredentialSource.
func (m *MetadataCredentials) Describe() string { return "ECS metadata" }

// metadataHTTPClient talks to the link-local metadata service directly:
// never through HTTP_PROXY, which would hand the agency's keys (in clear
// text) to the proxy, or take the proxy's answer for the server's agency.
// The SDK gives the service 3 seconds; off ECS the address goes nowhere,
// and waiting longer only delays the error.
func metadataHTTPClient() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{}}
	}
	t = t.Clone()
	t.Proxy = nil
	return &http.Client{Timeout: 5 * time.Second, Transport: t}
}

// Fetch implements CredentialSource.
func (m *MetadataCredentials) Fetch(ctx context.Context) (TemporaryCredentials, error) {
	base := strings.TrimSuffix(firstNonEmpty(m.BaseURL, DefaultMetadataURL), "/")
	hc := m.HTTPClient
	if hc == nil {
		hc = metadataHTTPClient()
	}
	hc = withoutRedirects(hc)
	clock := m.Clock
	if clock == nil {
		clock = RealClock{}
	}
	hint := "; is this running on a Huawei Cloud ECS instance with an agency attached (ECS console: the instance's Management Information, Agency)?"

	token, err := m.token(ctx, hc, clock, base)
	if err != nil {
		return TemporaryCredentials{}, fmt.Errorf("getting a token from the ECS metadata service at %s: %w%s", base, err, hint)
	}
	u := base + metadataKeyPath
	var creds TemporaryCredentials
	err = retryTransient(ctx, clock, metadataTransient, func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, http.NoBody)
		if err != nil {
			return err
		}
		m.headers(req)
		if token != "" {
			req.Header.Set(metadataTokenHeader, token)
		}
		status, reqID, raw, err := roundTrip(hc, req)
		if err != nil {
			return err
		}
		if status/100 != 2 {
			// An error body from the metadata service holds no secret,
			// and says things like "Please configure Cloud Service
			// Agency first": worth showing.
			e := decodeAPIError(http.MethodGet, metadataKeyPath, status, reqID, raw)
			e.Host = req.URL.Host
			e.Service = "ECS metadata"
			return e
		}
		var out credentialResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			return &DecodeError{Method: http.MethodGet, Path: metadataKeyPath, Status: status, RequestID: reqID, Problem: "the answer is not the documented JSON"}
		}
		c, problem := out.Credential.credentials()
		if problem != "" {
			return &DecodeError{Method: http.MethodGet, Path: metadataKeyPath, Status: status, RequestID: reqID, Problem: problem, permanent: true}
		}
		creds = c
		return nil
	})
	if err != nil {
		return TemporaryCredentials{}, fmt.Errorf("reading the agency's temporary credentials from the ECS metadata service at %s: %w%s", base, err, hint)
	}
	return creds, nil
}

// metadataTransient is a metadata answer worth another try: a server error
// or a body cut short. A connection that fails is not: off ECS the address
// leads nowhere, and more tries would only delay saying so.
func metadataTransient(err error) bool {
	if e, ok := asAPIError(err); ok {
		return e.Status >= 500 || IsThrottled(err)
	}
	var de *DecodeError
	return errors.As(err, &de) && !de.permanent
}

func (m *MetadataCredentials) headers(req *http.Request) {
	if m.UserAgent != "" {
		req.Header.Set("User-Agent", m.UserAgent)
	}
}

// token asks for a metadata token; "" with no error means the service
// has no token API (an older one), so reads go without.
func (m *MetadataCredentials) token(ctx context.Context, hc *http.Client, clock Clock, base string) (string, error) {
	var token string
	err := retryTransient(ctx, clock, metadataTransient, func() error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+metadataTokenPath, http.NoBody)
		if err != nil {
			return err
		}
		m.headers(req)
		req.Header.Set(metadataTTLHeader, strconv.Itoa(int(metadataTokenTTL/time.Second)))
		status, reqID, raw, err := roundTrip(hc, req)
		if err != nil {
			return err
		}
		switch status {
		case http.StatusOK:
			token = strings.TrimSpace(string(raw))
			return nil
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusServiceUnavailable:
			// No token API here (the SDK's reading of these statuses);
			// a 503 is not retried for the same reason.
			token = ""
			return nil
		}
		e := decodeAPIError(http.MethodPut, metadataTokenPath, status, reqID, nil)
		e.Host = req.URL.Host
		e.Service = "ECS metadata"
		return e
	})
	return token, err
}

// AssumeRoleCredentials exchanges IAM.Auth for an agency's temporary
// credentials.
type AssumeRoleCredentials struct {
	IAM  *IAM
	Role AssumeRole
}

// Describe implements CredentialSource.
func (a *AssumeRoleCredentials) Describe() string {
	return fmt.Sprintf("assume_role agency %q of domain %q", a.Role.AgencyName, firstNonEmpty(a.Role.DomainName, a.Role.DomainID))
}

// Fetch implements CredentialSource.
func (a *AssumeRoleCredentials) Fetch(ctx context.Context) (TemporaryCredentials, error) {
	if a.IAM == nil {
		return TemporaryCredentials{}, errors.New("assume_role has no IAM client configured")
	}
	return a.IAM.AssumeRole(ctx, a.Role)
}

// DefaultTemporaryRenewBefore is how long before they expire temporary
// credentials are replaced, unless their lifetime is shorter than twice
// that.
const DefaultTemporaryRenewBefore = 5 * time.Minute

// TemporaryAKSK signs requests as AKSKAuth does, with X-Security-Token,
// using credentials from Source. They are fetched on first use and again
// before ExpiresAt: RenewBefore ahead (default 5 minutes), but never more
// than half their lifetime, so short-lived credentials still get used.
// Concurrent callers share one fetch. Invalidate forgets them (the client
// calls it after a 401).
//
// Use it by pointer. ForProject returns views that sign for another
// project and share this one's credentials and refreshes.
type TemporaryAKSK struct {
	Source    CredentialSource
	ProjectID string
	// Now is the clock for expiry and signing; nil means time.Now.
	Now         func() time.Time
	RenewBefore time.Duration
	// OnCredentials, if set, is called with every new set before any
	// request uses it (the provider masks them in logs).
	OnCredentials func(TemporaryCredentials)
	// ModeName is what Mode returns ("ecs-metadata", "assume_role");
	// default "temporary_aksk".
	ModeName string

	cacheOnce sync.Once
	cache     *tempCache
}

// tempCache is the credentials every view of one TemporaryAKSK shares.
type tempCache struct {
	mu       sync.Mutex
	creds    TemporaryCredentials
	have     bool
	fetched  time.Time
	inflight *tempFetch
}

// tempFetch is one fetch in progress; waiters read creds and err after
// done is closed.
type tempFetch struct {
	done  chan struct{}
	creds TemporaryCredentials
	err   error
}

func (a *TemporaryAKSK) shared() *tempCache {
	a.cacheOnce.Do(func() {
		if a.cache == nil {
			a.cache = &tempCache{}
		}
	})
	return a.cache
}

func (a *TemporaryAKSK) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Mode implements Authenticator.
func (a *TemporaryAKSK) Mode() string { return firstNonEmpty(a.ModeName, "temporary_aksk") }

// ForProject implements ProjectScoper: a view that signs for projectID and
// shares the credentials, their refreshes and Invalidate with a.
func (a *TemporaryAKSK) ForProject(projectID string) Authenticator {
	return &TemporaryAKSK{
		Source: a.Source, ProjectID: projectID, Now: a.Now, RenewBefore: a.RenewBefore,
		OnCredentials: a.OnCredentials, ModeName: a.ModeName, cache: a.shared(),
	}
}

// Invalidate forgets the credentials, after the API refused them: the next
// request fetches new ones. It reaches every view.
func (a *TemporaryAKSK) Invalidate() {
	c := a.shared()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.have, c.creds = false, TemporaryCredentials{}
}

// Authenticate signs req with current credentials.
func (a *TemporaryAKSK) Authenticate(ctx context.Context, req *http.Request, body []byte) error {
	creds, err := a.Credentials(ctx)
	if err != nil {
		return err
	}
	return AKSKAuth{AccessKey: creds.AccessKey, SecretKey: creds.SecretKey, SecurityToken: creds.SecurityToken, ProjectID: a.ProjectID, Now: a.Now}.
		Authenticate(ctx, req, body)
}

// renewAt is when credentials fetched at fetched are replaced.
func (a *TemporaryAKSK) renewAt(c TemporaryCredentials, fetched time.Time) time.Time {
	before := a.RenewBefore
	if before <= 0 {
		before = DefaultTemporaryRenewBefore
	}
	if half := c.ExpiresAt.Sub(fetched) / 2; before > half {
		before = max(half, 0)
	}
	return c.ExpiresAt.Add(-before)
}

// Credentials returns valid credentials, fetching them when there are
// none or they are due for renewal.
func (a *TemporaryAKSK) Credentials(ctx context.Context) (TemporaryCredentials, error) {
	if a.Source == nil {
		return TemporaryCredentials{}, errors.New("temporary credentials have no source configured")
	}
	c := a.shared()
	for {
		c.mu.Lock()
		if c.have && a.now().Before(a.renewAt(c.creds, c.fetched)) {
			creds := c.creds
			c.mu.Unlock()
			return creds, nil
		}
		f := c.inflight
		if f == nil {
			f = &tempFetch{done: make(chan struct{})}
			c.inflight = f
			c.mu.Unlock()
			a.fetch(ctx, c, f)
			return f.creds, f.err
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return TemporaryCredentials{}, ctx.Err()
		case <-f.done:
		}
		if f.err == nil {
			return f.creds, nil
		}
		// The fetch this caller waited for ended with its own caller's
		// cancellation: that says nothing about this caller, which
		// tries again itself.
		if (errors.Is(f.err, context.Canceled) || errors.Is(f.err, context.DeadlineExceeded)) && ctx.Err() == nil {
			continue
		}
		return TemporaryCredentials{}, f.err
	}
}

// fetch runs one fetch for every caller waiting on f.
func (a *TemporaryAKSK) fetch(ctx context.Context, c *tempCache, f *tempFetch) {
	defer close(f.done)
	fetched := a.now()
	creds, err := a.Source.Fetch(ctx)
	if err == nil && creds.ExpiresAt.IsZero() {
		err = errors.New("the credentials carry no expiry time")
	}
	if err != nil {
		f.err = fmt.Errorf("fetching temporary credentials (%s): %w", a.Source.Describe(), err)
	} else {
		f.creds = creds
		// Masked before any request can carry them.
		if a.OnCredentials != nil {
			a.OnCredentials(creds)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight = nil
	if err == nil {
		c.creds, c.have, c.fetched = creds, true, fetched
	}
}
