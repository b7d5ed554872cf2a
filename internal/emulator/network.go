// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net"
	"regexp"
	"strings"
)

// How clients reach a proxy besides its private address: a private DNS
// name, and an elastic public IP (EIP).

// Private DNS names. The proxy list carries a proxy's name as
// proxy.dns_name, absent while it has none (list.go). The SDK's
// MysqlProxyV3 has no field for it, but the public reference provider reads
// it from that list against the real cloud, so the emulator sends it (see
// proxyJSON.DNSName). No other read model has it: MysqlProxyInfo (the
// instance detail's proxies) has only pool_id, name and address, the
// instance's private_dns_names are the instance's own, and the three DNS
// calls answer only a job_id. ProxyView.PrivateDNSName shows it too.
// Changing the name needs the instance's vpc_id, which the instance detail
// (GET /instances/{instance_id}, instance.go) gives.

// dnsPrefixRE is the rule for the first label of a private DNS name that
// the user guide gives (8 to 63 lowercase letters and digits).
var dnsPrefixRE = regexp.MustCompile(`^[a-z0-9]{8,63}$`)

// dnsSuffix is the zone of the emulated private DNS names (the emulator's
// choice of spelling).
func (e *Emulator) dnsSuffix() string {
	return "internal." + e.cfg.ProjectName + ".gaussdbformysql.myhuaweicloud.com"
}

// dnsNameTaken reports whether another live proxy already has the name.
func (e *Emulator) dnsNameTaken(name, except string) bool {
	for _, inst := range e.instances {
		for _, q := range inst.live() {
			if q.id != except && q.privateDNS == name {
				return true
			}
		}
	}
	return false
}

const featurePrivateDNS = "Applying for a private DNS name for a proxy (open beta)"

// createDNS is POST .../proxy/{proxy_id}/dns (CreateProxyDnsName, no body):
// applies for a private DNS name, "<prefix>.<zone>" with a generated
// prefix, which the proxy has when the job completes. A proxy has at most
// one; whitelisted accounts only (the user guide: an open beta on request).
func (e *Emulator) createDNS(c *call) response {
	inst, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	if e.cfg.NotWhitelisted {
		return notWhitelisted(featurePrivateDNS)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	if p.privateDNS != "" {
		return badRequest("the proxy %s already has the private DNS name %s", p.id, p.privateDNS)
	}
	name := shortHash(p.id)[:16] + "." + e.dnsSuffix()
	return e.settingJob(c, inst, p, jobCreateDNS, func(q *proxy) { q.privateDNS = name })
}

// changeDNS is PUT .../proxy/{proxy_id}/dns (UpdateProxyPrivateDnsName, body
// UpdateProxyPrivateDnsName). Only the prefix of the name can change (the
// user guide), so new_dns_name is taken either as the new prefix (8 to 63
// lowercase letters and digits) or as a full name with such a prefix in the
// proxy's zone; it must differ from every existing name. vpc_id is required
// and must be the instance's VPC: the detail's vpc_id (instance.go), which
// Emulator.InstanceVPCID also returns.
func (e *Emulator) changeDNS(c *call) response {
	var req struct {
		NewDNSName *string `json:"new_dns_name"`
		VpcID      *string `json:"vpc_id"`
	}
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.NewDNSName == nil || *req.NewDNSName == "" {
		return badRequest("new_dns_name is required")
	}
	prefix, zone, full := strings.Cut(*req.NewDNSName, ".")
	switch {
	case !dnsPrefixRE.MatchString(prefix):
		return badRequest("new_dns_name %q is not valid: its prefix must be 8 to 63 lowercase letters and digits", *req.NewDNSName)
	case full && zone != e.dnsSuffix():
		return badRequest("new_dns_name %q is not valid: only the prefix can change; the name must end in .%s", *req.NewDNSName, e.dnsSuffix())
	case req.VpcID == nil || *req.VpcID == "":
		return badRequest("vpc_id is required")
	case *req.VpcID != inst.vpcID:
		return badRequest("vpc_id %s is not the VPC of instance %s", *req.VpcID, inst.id)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	name := prefix + "." + e.dnsSuffix()
	switch {
	case p.privateDNS == "":
		return badRequest("the proxy %s has no private DNS name to change; apply for one first (POST .../dns)", p.id)
	case name == p.privateDNS:
		return badRequest("new_dns_name %s is the proxy's current private DNS name", name)
	case e.dnsNameTaken(name, p.id):
		return badRequest("new_dns_name %s is already in use", name)
	}
	return e.settingJob(c, inst, p, jobModifyDNS, func(q *proxy) { q.privateDNS = name })
}

// deleteDNS is DELETE .../proxy/{proxy_id}/dns (DeleteProxyPrivateDnsName,
// no body): the proxy has no private DNS name once the job completes.
func (e *Emulator) deleteDNS(c *call) response {
	inst, p, fail := e.proxyCall(c, &struct{}{})
	if fail != nil {
		return *fail
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	if p.privateDNS == "" {
		return badRequest("the proxy %s has no private DNS name", p.id)
	}
	return e.settingJob(c, inst, p, jobDeleteDNS, func(q *proxy) { q.privateDNS = "" })
}

// uuidRE is the shape of an EIP's ID.
var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// eipRequest is the SDK's SwitchGaussMySqlProxyEipRequestBody. bind is the
// string "true" or "false" there; flexBool also takes a bool.
type eipRequest struct {
	PublicIP   *string   `json:"public_ip"`
	PublicIPID *string   `json:"public_ip_id"`
	Bind       *flexBool `json:"bind"`
}

// eipInUse reports whether a live proxy other than except has ip bound.
func (e *Emulator) eipInUse(ip, except string) bool {
	for _, inst := range e.instances {
		for _, q := range inst.live() {
			if q.id != except && q.eip == ip {
				return true
			}
		}
	}
	return false
}

// bindEIP is PUT .../proxy/{proxy_id}/bind (SwitchGaussMySqlProxyEip). With
// bind "true" it binds public_ip (an IPv4 address) with its public_ip_id (a
// UUID, required for binding); with "false" it unbinds public_ip, which
// must be the bound address. The list's eip shows the bound address when
// the job completes, and is absent while none is bound: the public
// reference provider waits for the key to disappear after unbinding. A
// bind also makes the EIP known to the VPC listing (vpc.go).
func (e *Emulator) bindEIP(c *call) response {
	var req eipRequest
	inst, p, fail := e.proxyCall(c, &req)
	if fail != nil {
		return *fail
	}
	if req.Bind == nil {
		return badRequest(`bind ("true" to bind, "false" to unbind) is required`)
	}
	bind := bool(*req.Bind)
	switch {
	case req.PublicIP == nil || *req.PublicIP == "":
		return badRequest("public_ip is required")
	case net.ParseIP(*req.PublicIP) == nil || net.ParseIP(*req.PublicIP).To4() == nil:
		return badRequest("public_ip %q is not an IPv4 address", *req.PublicIP)
	case bind && (req.PublicIPID == nil || *req.PublicIPID == ""):
		return badRequest("public_ip_id is required to bind an EIP")
	case bind && !uuidRE.MatchString(*req.PublicIPID):
		return badRequest("public_ip_id %q is not an EIP ID (a UUID)", *req.PublicIPID)
	}
	if fail := e.busy(inst); fail != nil {
		return *fail
	}
	ip := *req.PublicIP
	if !bind {
		if p.eip != ip {
			if p.eip == "" {
				return badRequest("the proxy %s has no EIP bound", p.id)
			}
			return badRequest("public_ip %s is not the EIP bound to proxy %s (%s is)", ip, p.id, p.eip)
		}
		return e.settingJob(c, inst, p, jobUnbindEIP, func(q *proxy) { q.eip, q.eipID = "", "" })
	}
	switch {
	case p.eip != "":
		return badRequest("the proxy %s already has the EIP %s bound; unbind it first", p.id, p.eip)
	case e.eipInUse(ip, p.id):
		return badRequest("the EIP %s is bound to another resource", ip)
	}
	id := *req.PublicIPID
	// The VPC listing must know the EIP the proxy gets (vpc.go).
	if fail := e.registerBoundEIP(inst.projectID, ip, id); fail != nil {
		return *fail
	}
	return e.settingJob(c, inst, p, jobBindEIP, func(q *proxy) { q.eip, q.eipID = ip, id })
}
