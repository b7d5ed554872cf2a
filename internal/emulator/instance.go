// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"net/http"
	"strconv"
)

// GET /instances/{instance_id}: the instance's details, after the SDK's
// ShowGaussMySqlInstanceInfoResponse. The provider needs it for one value,
// vpc_id, which changing a proxy's private DNS name requires (network.go);
// the rest is filled from the emulator's instance so that the answer is a
// whole, plausible instance a client can be tested against. The keys the
// emulator leaves out are listed, with reasons, in the contract tests.

// Values of the emulated instances that the emulator has no setting for.
const (
	// instanceStatus is the v3 vocabulary of MysqlInstanceInfoDetail
	// (BUILD, ACTIVE, FAILED, ...), where ACTIVE means normal. The
	// lowercase "normal" belongs to the v3.1 ...UnifyStatus calls, which
	// the emulator does not serve.
	instanceStatus = "ACTIVE"
	instanceType   = "Cluster" // the only type the SDK documents
	datastoreType  = "gaussdb-mysql"
	// datastoreVersion is the MySQL version the instance is compatible
	// with, and instanceKernelVersion its TaurusDB kernel: the emulator's
	// choice of values in the shape the public reference shows.
	datastoreVersion      = "8.0"
	instanceKernelVersion = "2.0.57.240900"
	instanceDBUser        = "root"
	// defaultEnterpriseProject is the ID of the "default" enterprise
	// project, which resources belong to unless put elsewhere.
	defaultEnterpriseProject = "0"
	// instanceTimeZone matches the emulator's clock, which it renders in
	// UTC everywhere (jobTime, proxyTime).
	instanceTimeZone = "UTC+00:00"
)

// instanceDetailResponseJSON is ShowGaussMySqlInstanceInfoResponse.
type instanceDetailResponseJSON struct {
	Instance instanceDetailJSON `json:"instance"`
}

// instanceDetailJSON is the part of MysqlInstanceInfoDetail the emulator
// has values for.
type instanceDetailJSON struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ProjectID string `json:"project_id"`
	Status    string `json:"status"`
	// Port is the database port, a string in the SDK (unlike a proxy's).
	Port            string        `json:"port"`
	Type            string        `json:"type"`
	NodeCount       int           `json:"node_count"`
	Datastore       datastoreJSON `json:"datastore"`
	Created         string        `json:"created"`
	Updated         string        `json:"updated"`
	PrivateWriteIPs []string      `json:"private_write_ips"`
	DBUserName      string        `json:"db_user_name"`
	// VpcID is the VPC that PUT .../proxy/{proxy_id}/dns requires.
	VpcID               string `json:"vpc_id"`
	SubnetID            string `json:"subnet_id"`
	SecurityGroupID     string `json:"security_group_id"`
	EnterpriseProjectID string `json:"enterprise_project_id"`
	TimeZone            string `json:"time_zone"`
	// AzMode is single or multi; MasterAzCode the zone of the primary.
	AzMode       string          `json:"az_mode"`
	MasterAzCode string          `json:"master_az_code"`
	Proxies      []proxyInfoJSON `json:"proxies"`
}

// datastoreJSON is MysqlDatastoreWithKernelVersion.
type datastoreJSON struct {
	Type          string `json:"type"`
	Version       string `json:"version"`
	KernelVersion string `json:"kernel_version"`
}

// proxyInfoJSON is MysqlProxyInfo: how the instance names its proxies.
type proxyInfoJSON struct {
	PoolID  string `json:"pool_id"`
	Name    string `json:"name"`
	Address string `json:"address"` // the read/write address
}

// showInstance is GET /instances/{instance_id} (ShowGaussMySqlInstanceInfo).
func (e *Emulator) showInstance(c *call) response {
	inst, fail := e.instanceOf(c)
	if fail != nil {
		return *fail
	}
	out := instanceDetailJSON{
		ID: inst.id, Name: inst.name, ProjectID: e.cfg.ProjectID,
		Status: instanceStatus, Port: strconv.Itoa(defaultPort), Type: instanceType,
		NodeCount: len(inst.nodes),
		Datastore: datastoreJSON{Type: datastoreType, Version: datastoreVersion, KernelVersion: instanceKernelVersion},
		// Nothing the emulator does changes the instance itself (proxies
		// are listed apart), so it was last updated when it was created.
		Created: inst.createdAt.UTC().Format(jobTime), Updated: inst.createdAt.UTC().Format(jobTime),
		PrivateWriteIPs: []string{inst.writeIP}, DBUserName: instanceDBUser,
		VpcID: inst.vpcID, SubnetID: inst.subnetID, SecurityGroupID: inst.securityGroupID,
		EnterpriseProjectID: defaultEnterpriseProject, TimeZone: instanceTimeZone,
		AzMode: "single", Proxies: []proxyInfoJSON{},
	}
	zones := map[string]bool{}
	for _, n := range inst.nodes {
		zones[n.AZ] = true
		if n.Role == "master" {
			out.MasterAzCode = n.AZ
		}
	}
	if len(zones) > 1 {
		out.AzMode = "multi"
	}
	for _, p := range inst.live() {
		out.Proxies = append(out.Proxies, proxyInfoJSON{PoolID: p.id, Name: p.name, Address: p.address})
	}
	return jsonResponse(http.StatusOK, instanceDetailResponseJSON{Instance: out})
}
