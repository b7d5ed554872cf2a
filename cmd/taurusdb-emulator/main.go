// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Command taurusdb-emulator serves the in-memory TaurusDB proxy API emulator
// on a local port, so that the provider can be tried without a cloud
// account. It prints the endpoint, project, instances and credentials to
// use, as ready-to-paste environment variables.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil))
}

const usageHeader = `Usage: taurusdb-emulator [flags]

Serves an in-memory imitation of the TaurusDB (GaussDB for MySQL) proxy API
for trying the Terraform provider locally. State lives in memory and is lost
on exit. Without credential flags a random token is generated. The startup
banner prints credentials on purpose: this is a local test server.

Flags:
`

const faultHelp = `
Faults (-fault, repeatable): comma-separated key=value pairs, for example
  -fault 'method=DELETE,path=/proxy,calls=1,kind=throttle,retry-after=1'
  -fault 'method=POST,path=/proxy,kind=drop-connection,after,times=1'
  -fault 'path=/jobs,kind=latency,latency=2s'
keys:
  kind          required: throttle | server-error | html-bad-gateway |
                malformed-json | no-job-id | latency | drop-connection |
                job-fails | job-hangs | busy | error | gateway-not-found
  method        GET, POST, PUT or DELETE (default: any)
  path          suffix of the path after /v3/{project_id} or of its route
                pattern: /proxy is create/delete (not .../proxy/{id}/rename),
                /proxies the list, /jobs the job query, /rename, /port,
                /transaction-split, /session-consistence,
                /connection-pool-type, /ssl, /alt, /bind, /access-control,
                /access-control-switch, /ipgroup, /configurations,
                /new-node-auto-add, /dns, /proxy-version, /upgrade-version,
                /restart, /instances/{instance_id} the instance detail, ...
                (default: any)
  calls         call numbers among matching requests, from 1, joined by '+'
                (calls=1+3); default: every matching call
  times         with no calls: fire on the next N matching calls only
  after         handle the request for real, then answer with the fault
  status        HTTP status (server-error: 500|502|503; error: any)
  code, message error_code and error_msg (error, busy, throttle, server-error)
  retry-after   seconds, for throttle
  latency       Go duration, for latency (e.g. 1.5s)
  fail-reason   for job-fails
Values cannot contain commas.
`

type options struct {
	listen, projectID, token, accessKey, secretKey, securityToken string
	user, password, domain, instances, logPath                    string
	proxyVersion, iamListen, metadataListen, vpcListen            string
	projects, agencies                                            string
	metadataTTL                                                   time.Duration
	allowRemote, noBalanceRouteMode, refuseMultiDelete            bool
	noSessionPool, notWhitelisted                                 bool
	instanceCount, maxProxies                                     int
	jobDuration, jobInvisible, keepDeleted                        time.Duration
	rateLimit                                                     float64
	faults                                                        []emulator.Fault
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("taurusdb-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHeader)
		fs.PrintDefaults()
		fmt.Fprint(stderr, faultHelp)
	}
	fs.StringVar(&o.listen, "listen", "127.0.0.1:18080", "address to listen on (loopback only unless -allow-remote)")
	fs.BoolVar(&o.allowRemote, "allow-remote", false, "allow a non-loopback -listen address (the emulator accepts made-up credentials)")
	fs.StringVar(&o.projectID, "project-id", emulator.DefaultProjectID, "project ID (32 letters/digits)")
	fs.StringVar(&o.token, "token", "", "static token accepted in X-Auth-Token")
	fs.StringVar(&o.accessKey, "access-key", "", "access key accepted with SDK-HMAC-SHA256 signing (needs -secret-key)")
	fs.StringVar(&o.secretKey, "secret-key", "", "secret key for -access-key")
	fs.StringVar(&o.securityToken, "security-token", "", "if set, AK/SK requests must send it in X-Security-Token")
	fs.StringVar(&o.user, "user", "", "IAM user name for password login at /v3/auth/tokens (needs -password)")
	fs.StringVar(&o.password, "password", "", "password for -user")
	fs.StringVar(&o.domain, "domain", "", "domain (account) name of -user; empty accepts any")
	fs.StringVar(&o.instances, "instances", "", "comma-separated instance IDs to seed (32 lowercase hex + in07)")
	fs.IntVar(&o.instanceCount, "instance-count", 2, "number of instances to generate when -instances is empty")
	fs.DurationVar(&o.jobDuration, "job-duration", 3*time.Second, "how long each job runs")
	fs.DurationVar(&o.jobInvisible, "job-invisible", 0, "how long a new job answers DBS.200543 (not found)")
	fs.Float64Var(&o.rateLimit, "rate-limit", 0, "requests per second before answering 429 APIG.0308 (0 = unlimited)")
	fs.DurationVar(&o.keepDeleted, "keep-deleted", 0, "how long deleted proxies stay listed with status DELETED")
	fs.IntVar(&o.maxProxies, "max-proxies", 4, "proxies allowed per instance")
	fs.BoolVar(&o.noBalanceRouteMode, "no-balance-route-mode", false, "imitate a proxy kernel without load balancing: balance_route_mode_enabled false, route_mode 1 and 2 refused")
	fs.BoolVar(&o.refuseMultiDelete, "refuse-multi-delete", false, "refuse a DELETE naming several proxy_ids (400), as an API taking one proxy per call would")
	fs.BoolVar(&o.noSessionPool, "no-session-pool", false, "imitate a proxy kernel without the session-level connection pool: switch_connection_pool_type_enabled false, connection_pool_type SESSION refused")
	fs.BoolVar(&o.notWhitelisted, "not-whitelisted", false, "imitate an account on no feature whitelist: new-node auto-add, whitelist-only parameters and private DNS names answer 403 "+emulator.ErrorCodeNotWhitelisted)
	fs.StringVar(&o.proxyVersion, "proxy-version", emulator.LatestProxyVersion, "kernel version of new proxies (one of "+strings.Join(emulator.ProxyVersions, ", ")+"); older than the latest makes them upgradable")
	fs.StringVar(&o.iamListen, "iam-listen", "127.0.0.1:0", "address of the IAM listener (auth_url is its URL + /v3; IAM is also served on -listen)")
	fs.StringVar(&o.metadataListen, "metadata-listen", "127.0.0.1:0", "address of the ECS metadata listener (stands for http://169.254.169.254)")
	fs.StringVar(&o.vpcListen, "vpc-listen", "127.0.0.1:0", "address of the VPC listener (EIP listing)")
	fs.StringVar(&o.projects, "projects", "", "more projects, comma-separated name[=id] (cn-north-4_dev, eu-west-101=<32 hex>), one generated instance each")
	fs.StringVar(&o.agencies, "agencies", "", "agencies that may be assumed, comma-separated domain_name/agency_name")
	fs.DurationVar(&o.metadataTTL, "metadata-ttl", time.Hour, "lifetime of the metadata service's temporary credentials")
	fs.StringVar(&o.logPath, "log", "", "request log file (default: standard output)")
	fs.Func("fault", "inject a fault (repeatable; syntax below)", func(spec string) error {
		f, err := emulator.ParseFault(spec)
		if err != nil {
			return err
		}
		o.faults = append(o.faults, f)
		return nil
	})
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return o, o.validate()
}

func (o *options) validate() error {
	if (o.accessKey == "") != (o.secretKey == "") {
		return errors.New("-access-key and -secret-key go together")
	}
	if (o.user == "") != (o.password == "") {
		return errors.New("-user and -password go together")
	}
	if len(o.projectID) != 32 || strings.Trim(strings.ToLower(o.projectID), "0123456789abcdefghijklmnopqrstuvwxyz") != "" {
		return fmt.Errorf("-project-id %q must be 32 letters or digits", o.projectID)
	}
	if o.instances == "" && o.instanceCount < 1 {
		return errors.New("-instance-count must be at least 1")
	}
	for _, id := range splitList(o.instances) {
		if !emulator.ValidInstanceID(id) {
			return fmt.Errorf("-instances: %q is not an instance ID (32 lowercase hex characters + in07)", id)
		}
	}
	if !slices.Contains(emulator.ProxyVersions, o.proxyVersion) {
		return fmt.Errorf("-proxy-version %q is not a known kernel version (%s)", o.proxyVersion, strings.Join(emulator.ProxyVersions, ", "))
	}
	if o.jobDuration <= 0 {
		return errors.New("-job-duration must be positive")
	}
	for flagName, addr := range map[string]string{"-listen": o.listen, "-iam-listen": o.iamListen, "-metadata-listen": o.metadataListen, "-vpc-listen": o.vpcListen} {
		if !o.allowRemote && !loopback(addr) {
			return fmt.Errorf("%s %s is not a loopback address; the emulator accepts made-up credentials, so pass -allow-remote to expose it anyway", flagName, addr)
		}
	}
	if _, err := o.extraProjects(); err != nil {
		return err
	}
	if _, err := o.agencyList(); err != nil {
		return err
	}
	if o.metadataTTL <= 0 {
		return errors.New("-metadata-ttl must be positive")
	}
	return nil
}

// extraProjects parses -projects.
func (o *options) extraProjects() ([]emulator.Project, error) {
	var out []emulator.Project
	for _, item := range splitList(o.projects) {
		name, id, _ := strings.Cut(item, "=")
		if name == "" || name == emulator.DefaultProjectName {
			return nil, fmt.Errorf("-projects: %q needs a name other than %s (the first project, -project-id)", item, emulator.DefaultProjectName)
		}
		if id != "" && (len(id) != 32 || strings.Trim(strings.ToLower(id), "0123456789abcdefghijklmnopqrstuvwxyz") != "") {
			return nil, fmt.Errorf("-projects: the ID of %s must be 32 letters or digits", name)
		}
		out = append(out, emulator.Project{Name: name, ID: id})
	}
	return out, nil
}

// agencyList parses -agencies.
func (o *options) agencyList() ([]emulator.Agency, error) {
	var out []emulator.Agency
	for _, item := range splitList(o.agencies) {
		domain, name, ok := strings.Cut(item, "/")
		if !ok || domain == "" || name == "" {
			return nil, fmt.Errorf("-agencies: %q is not domain_name/agency_name", item)
		}
		out = append(out, emulator.Agency{Name: name, DomainName: domain})
	}
	return out, nil
}

func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func splitList(s string) []string {
	var out []string
	for p := range strings.SplitSeq(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// run is main without the process: it serves until ctx ends. ready, if not
// nil, receives the endpoint once listening (for tests).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "taurusdb-emulator:", err)
		return 2
	}
	if o.token == "" && o.accessKey == "" && o.user == "" {
		o.token = randomToken()
	}

	logOut := stdout
	if o.logPath != "" {
		f, err := os.OpenFile(o.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "taurusdb-emulator:", err)
			return 1
		}
		defer f.Close()
		logOut = f
	}

	cfg := emulator.Config{
		ProjectID: o.projectID, Token: o.token,
		AccessKey: o.accessKey, SecretKey: o.secretKey, SecurityToken: o.securityToken,
		JobDuration: o.jobDuration, JobInvisible: o.jobInvisible, RateLimit: o.rateLimit,
		KeepDeleted: o.keepDeleted, MaxProxiesPerInstance: o.maxProxies, Log: logOut,
		NoBalanceRouteMode:      o.noBalanceRouteMode,
		RefuseMultiProxyDelete:  o.refuseMultiDelete,
		NoSessionConnectionPool: o.noSessionPool,
		NotWhitelisted:          o.notWhitelisted,
		NewProxyVersion:         o.proxyVersion,
	}
	if o.user != "" {
		cfg.Users = []emulator.User{{Name: o.user, Password: o.password, Domain: o.domain}}
	}
	cfg.Instances = splitList(o.instances)
	if len(cfg.Instances) == 0 {
		for range o.instanceCount {
			cfg.Instances = append(cfg.Instances, emulator.NewInstanceID())
		}
	}
	extra, _ := o.extraProjects() // validated
	if len(extra) > 0 {
		cfg.Projects = append([]emulator.Project{{Name: emulator.DefaultProjectName, ID: o.projectID}}, extra...)
	}
	cfg.Agencies, _ = o.agencyList()
	cfg.MetadataCredentialTTL = o.metadataTTL
	emu := emulator.New(cfg)
	for _, f := range o.faults {
		emu.Inject(f)
	}

	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		fmt.Fprintln(stderr, "taurusdb-emulator:", err)
		return 1
	}
	endpoint := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	servers := []*http.Server{srv}
	serveErr := make(chan error, 4)
	go func() { serveErr <- srv.Serve(ln) }()
	// The other services on listeners of their own, as on a real cloud
	// they are other hosts.
	urls := map[string]string{}
	for _, l := range []struct{ name, addr string }{
		{emulator.ListenerIAM, o.iamListen}, {emulator.ListenerMetadata, o.metadataListen}, {emulator.ListenerVPC, o.vpcListen},
	} {
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			fmt.Fprintln(stderr, "taurusdb-emulator:", err)
			for _, s := range servers {
				_ = s.Close()
			}
			return 1
		}
		s := &http.Server{Handler: emu.Handler(l.name), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, s)
		urls[l.name] = "http://" + ln.Addr().String()
		go func() { serveErr <- s.Serve(ln) }()
	}

	printBanner(stdout, emu, o, endpoint, urls)
	if ready != nil {
		ready <- endpoint
	}

	code := 0
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		fmt.Fprintln(stderr, "taurusdb-emulator:", err)
		code = 1
	}
	// Close first: it cuts injected latencies short, so Shutdown does not
	// wait on requests that would sleep for minutes.
	emu.Close()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(shutdownCtx); err != nil {
			fmt.Fprintln(stderr, "taurusdb-emulator: shutdown:", err)
		}
	}
	fmt.Fprintf(stdout, "taurusdb-emulator: stopped after %d requests; %d proxies and %d jobs were in memory\n",
		len(emu.Requests()), len(emu.AllProxies()), len(emu.Jobs()))
	return code
}

// must is for values validate already checked.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "emu-" + hex.EncodeToString(b)
}

func printBanner(w io.Writer, emu *emulator.Emulator, o *options, endpoint string, urls map[string]string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("TaurusDB proxy API emulator (in memory; state is lost on exit)")
	p("  endpoint:    %s", endpoint)
	p("  IAM:         %s (auth_url %s/v3; also %s/v3)", urls[emulator.ListenerIAM], urls[emulator.ListenerIAM], endpoint)
	p("  metadata:    %s (stands for http://169.254.169.254; credentials live %s)", urls[emulator.ListenerMetadata], o.metadataTTL)
	p("  VPC:         %s (GET /v1/{project_id}/publicips)", urls[emulator.ListenerVPC])
	p("  domain:      %s (ID %s)", emulator.DefaultDomainName, emu.DomainID())
	cfgProjects := append([]emulator.Project{{Name: emulator.DefaultProjectName, ID: emu.ProjectID()}}, must(o.extraProjects())...)
	for _, pr := range cfgProjects {
		id := emu.ProjectIDOf(pr.Name)
		p("  project:     %s (IAM project name %s)", id, pr.Name)
		for _, inst := range emu.InstancesOf(id) {
			p("    instance:  %s", inst)
			for _, n := range emu.InstanceNodes(inst) {
				p("      node:    %s %-6s %s", n.ID, n.Role, n.Name)
			}
		}
	}
	for _, a := range must(o.agencyList()) {
		p("  agency:      %s of domain %s", a.Name, a.DomainName)
	}
	p("  jobs run %s; max %d proxies per instance", o.jobDuration, o.maxProxies)
	p("  new proxies: kernel %s (latest %s)", o.proxyVersion, emulator.LatestProxyVersion)
	if o.noBalanceRouteMode {
		p("  route mode:  load balancing (route_mode 1, 2) unsupported")
	}
	if o.noSessionPool {
		p("  conn. pool:  session-level connection pool unsupported")
	}
	if o.notWhitelisted {
		p("  whitelist:   account on no feature whitelist (403 %s)", emulator.ErrorCodeNotWhitelisted)
	}
	if len(o.faults) > 0 {
		p("  faults:      %d injected", len(o.faults))
	}
	p("Credentials:")
	common := fmt.Sprintf("TAURUSDB_ENDPOINT=%s HW_REGION_NAME=%s HW_PROJECT_ID=%s", shellQuote(endpoint), emulator.DefaultProjectName, emu.ProjectID())
	var exports []string
	if o.token != "" {
		p("  token:       %s", o.token)
		exports = append(exports, fmt.Sprintf("export %s HW_AUTH_TOKEN=%s", common, shellQuote(o.token)))
	}
	if o.accessKey != "" {
		p("  access key:  %s", o.accessKey)
		p("  secret key:  %s", o.secretKey)
		line := fmt.Sprintf("export %s HW_ACCESS_KEY=%s HW_SECRET_KEY=%s", common, shellQuote(o.accessKey), shellQuote(o.secretKey))
		if o.securityToken != "" {
			line += " HW_SECURITY_TOKEN=" + shellQuote(o.securityToken)
		}
		exports = append(exports, line)
	}
	if o.user != "" {
		p("  user:        %s (domain %q; password login at %s/v3/auth/tokens)", o.user, o.domain, endpoint)
		p("  password:    %s", o.password)
		line := fmt.Sprintf("export %s HW_AUTH_URL=%s HW_USER_NAME=%s HW_USER_PASSWORD=%s", common, shellQuote(endpoint+"/v3"), shellQuote(o.user), shellQuote(o.password))
		if o.domain != "" {
			line += " HW_DOMAIN_NAME=" + shellQuote(o.domain)
		}
		exports = append(exports, line)
	}
	p("Paste into a shell (one line per credential kind):")
	for _, e := range exports {
		p("  %s", e)
	}
	p("Requests are logged below (or to -log). Stop with Ctrl-C.")
}

// shellQuote quotes s for a POSIX shell when it holds anything unusual.
func shellQuote(s string) string {
	safe := s != ""
	for _, c := range s {
		if !shellSafe(c) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellSafe reports whether c needs no quoting in a POSIX shell word.
func shellSafe(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:@%+=,", c)
}
