// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"slices"
	"strings"
)

// Projects. On Huawei Cloud an account (IAM domain) has one project per
// region, named after the region (cn-north-4), and may add sub-projects
// named {region}_{suffix} (cn-north-4_dev). Every project API call names
// its project in the URL, and resources of one project are invisible
// under another's URL: the emulator answers them as unknown instances,
// which is what the real API does for an ID it does not know.

// DefaultDomainName is the account name when Config.DomainName is empty.
const DefaultDomainName = "emulator-domain"

// Project is one IAM project the emulator serves.
type Project struct {
	Name      string     // a region ("cn-north-4") or a sub-project ("cn-north-4_dev")
	ID        string     // 32 lowercase hex characters; "" = ProjectIDFor(Name)
	Instances []string   // seeded instance IDs; empty: one generated
	PublicIPs []PublicIP // EIPs the VPC listing shows in this project
}

// Agency is an IAM agency that Config.Agencies lets callers assume.
type Agency struct {
	Name       string // agency_name
	DomainName string // the delegating account's name (domain_name)
	DomainID   string // its ID (domain_id); "" = DomainIDOf(DomainName)
}

// project is a Project as the emulator keeps it.
type project struct {
	name, id string
}

// ProjectIDFor is the ID a Project named name gets when its ID is empty:
// derived from the name, so a test can know it before New.
func ProjectIDFor(name string) string { return shortHash("project:" + name) }

// NewProjectID returns a random project ID (32 lowercase hex characters).
func NewProjectID() string { return randomHex32() }

// DomainIDOf is the ID the emulator gives the account (IAM domain) named
// name, in tokens, project listings and agencies.
func DomainIDOf(name string) string { return shortHash("domain:" + name) }

// region is the region a project belongs to: its name up to the first
// underscore.
func (p project) region() string {
	r, _, _ := strings.Cut(p.name, "_")
	return r
}

// normalizeProjects fills cfg.Projects from the single-project fields when
// it is empty, fills derived IDs, and makes ProjectID/ProjectName name the
// first project.
func normalizeProjects(cfg *Config) {
	if len(cfg.Projects) == 0 {
		cfg.Projects = []Project{{Name: cfg.ProjectName, ID: cfg.ProjectID}}
	}
	cfg.Projects = slices.Clone(cfg.Projects)
	for i := range cfg.Projects {
		p := &cfg.Projects[i]
		if p.ID == "" {
			p.ID = ProjectIDFor(p.Name)
		}
	}
	first := &cfg.Projects[0]
	if len(first.Instances) == 0 {
		first.Instances = cfg.Instances
	}
	first.PublicIPs = append(slices.Clone(first.PublicIPs), cfg.PublicIPs...)
	cfg.ProjectID, cfg.ProjectName = first.ID, first.Name
}

// projectByID returns the known project with this ID.
func (e *Emulator) projectByID(id string) (project, bool) {
	for _, p := range e.projects {
		if p.id == id {
			return p, true
		}
	}
	return project{}, false
}

func (e *Emulator) projectByName(name string) (project, bool) {
	for _, p := range e.projects {
		if p.name == name {
			return p, true
		}
	}
	return project{}, false
}

// parentOf is a project's parent_id as IAM lists it: the region's project
// for a sub-project, the account for a region's own project.
func (e *Emulator) parentOf(p project) string {
	if r := p.region(); r != p.name {
		if parent, ok := e.projectByName(r); ok {
			return parent.id
		}
	}
	return e.DomainID()
}

func (e *Emulator) projectIDs() []string {
	out := make([]string, len(e.projects))
	for i, p := range e.projects {
		out[i] = p.id
	}
	return out
}

// ProjectIDs lists the IDs of the emulator's projects in Config order.
func (e *Emulator) ProjectIDs() []string { return e.projectIDs() }

// ProjectIDOf returns the ID of the project named name, or "" if none.
func (e *Emulator) ProjectIDOf(name string) string {
	p, _ := e.projectByName(name)
	return p.id
}

// DomainID is the ID of the account that owns the projects.
func (e *Emulator) DomainID() string { return DomainIDOf(e.cfg.DomainName) }

// InstancesOf lists the instances of one project in the order they were
// added (nil for an unknown project).
func (e *Emulator) InstancesOf(projectID string) []string {
	defer e.lockAdvance()()
	var out []string
	for _, id := range e.instanceOrder {
		if e.instances[id].projectID == projectID {
			out = append(out, id)
		}
	}
	return out
}

// AddInstanceTo adds an instance to the project (as AddInstance does to
// the first) and returns its ID, or "" if the project is unknown.
func (e *Emulator) AddInstanceTo(projectID string) string {
	defer e.lockAdvance()()
	if _, ok := e.projectByID(projectID); !ok {
		return ""
	}
	return e.addInstance(newInstanceID(), projectID).id
}
