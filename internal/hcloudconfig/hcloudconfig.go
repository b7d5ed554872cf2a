// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

// Package hcloudconfig reads the Huawei Cloud CLI's (KooCLI, hcloud)
// shared configuration file, ~/.hcloud/config.json, so users can point the
// provider at a profile they already have, as they can with the
// huaweicloud provider's shared_config_file and profile settings.
//
// The field names are those the huaweicloud provider decodes
// (huaweicloud/config/auth.go, SharedConfig and Profile; read in
// huaweicloud/provider.go, readConfig). KooCLI encrypts the keys in the
// file unless told not to (hcloud configure set --cli-auth-encrypt=false);
// encrypted values cannot be used here, nor by that provider.
package hcloudconfig

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ModeSSO is the profile mode whose keys are the SSO session's temporary
// ones, under ssoAuth.stsToken.
const ModeSSO = "SSO"

// DefaultPath returns ~/.hcloud/config.json (on Windows, under the user's
// profile directory, as the huaweicloud provider does with USERPROFILE).
func DefaultPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("finding the home directory for the KooCLI config file: %w", err)
	}
	return filepath.Join(home, ".hcloud", "config.json"), nil
}

// Profile is one profile of the file, as the provider needs it.
type Profile struct {
	Name string
	// Mode is KooCLI's authentication mode (AKSK, SSO, ...). For SSO the
	// keys below come from the SSO session (ssoAuth.stsToken).
	Mode          string
	AccessKey     string
	SecretKey     string
	SecurityToken string
	Region        string
	ProjectID     string
	DomainID      string
	// The agency to assume with the keys, when the profile names one.
	AgencyName       string
	AgencyDomainName string
	AgencyDomainID   string
}

// String keeps the secrets out of any %v or %s that meets a profile.
func (p Profile) String() string {
	return fmt.Sprintf("KooCLI profile %q (mode %q, region %q, keys redacted)", p.Name, p.Mode, p.Region)
}

// GoString does the same for %#v.
func (p Profile) GoString() string { return p.String() }

// File is a loaded config file.
type File struct {
	Path    string
	Current string
	raw     []rawProfile
}

// rawFile is config.json: {"current": name, "profiles": [...]}.
type rawFile struct {
	Current  string       `json:"current"`
	Profiles []rawProfile `json:"profiles"`
}

type rawProfile struct {
	Name             string `json:"name"`
	Mode             string `json:"mode"`
	AccessKeyID      string `json:"accessKeyId"`
	SecretAccessKey  string `json:"secretAccessKey"`
	SecurityToken    string `json:"securityToken"`
	Region           string `json:"region"`
	ProjectID        string `json:"projectId"`
	DomainID         string `json:"domainId"`
	AgencyDomainID   string `json:"agencyDomainId"`
	AgencyDomainName string `json:"agencyDomainName"`
	AgencyName       string `json:"agencyName"`
	SSOAuth          struct {
		StsToken struct {
			AccessKeyID     string `json:"accessKeyId"`
			SecretAccessKey string `json:"secretAccessKey"`
			SecurityToken   string `json:"securityToken"`
		} `json:"stsToken"`
	} `json:"ssoAuth"`
}

// Load reads the file. A missing file gives an error for which
// errors.Is(err, fs.ErrNotExist) holds.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path) //nolint:gosec // G304: the path is the user's own setting
	if err != nil {
		return nil, fmt.Errorf("reading the KooCLI config file: %w", err)
	}
	var rf rawFile
	if err := json.Unmarshal(data, &rf); err != nil {
		// The decoder's message names a position or a field and a JSON
		// kind, never a value from the file.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("the KooCLI config file %s is not JSON (at byte %d)", path, se.Offset)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("the KooCLI config file %s has a %s where a %s belongs (field %s)", path, te.Value, te.Type, te.Field)
		}
		return nil, fmt.Errorf("the KooCLI config file %s could not be read as JSON", path)
	}
	return &File{Path: path, Current: rf.Current, raw: rf.Profiles}, nil
}

// Names lists the profiles' names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.raw))
	for _, p := range f.raw {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

// Profile returns the named profile, or the file's current profile when
// name is "". An unknown name gives an error listing the profiles' names.
func (f *File) Profile(name string) (Profile, error) {
	which := name
	if which == "" {
		which = f.Current
		if which == "" {
			return Profile{}, fmt.Errorf("the KooCLI config file %s names no current profile; set profile to one of: %s", f.Path, f.namesList())
		}
	}
	for _, r := range f.raw {
		if r.Name != which {
			continue
		}
		p := Profile{
			Name: r.Name, Mode: r.Mode, AccessKey: r.AccessKeyID, SecretKey: r.SecretAccessKey, SecurityToken: r.SecurityToken,
			Region: r.Region, ProjectID: r.ProjectID, DomainID: r.DomainID,
			AgencyName: r.AgencyName, AgencyDomainName: r.AgencyDomainName, AgencyDomainID: r.AgencyDomainID,
		}
		if r.Mode == ModeSSO {
			// As the huaweicloud provider: an SSO profile's usable keys
			// are the session's temporary ones.
			st := r.SSOAuth.StsToken
			if st.AccessKeyID == "" || st.SecretAccessKey == "" {
				return Profile{}, fmt.Errorf("KooCLI profile %q in %s is in SSO mode but has no ssoAuth.stsToken keys; log in with hcloud again", r.Name, f.Path)
			}
			p.AccessKey, p.SecretKey, p.SecurityToken = st.AccessKeyID, st.SecretAccessKey, st.SecurityToken
		}
		return p, nil
	}
	what := "no profile named %q"
	if name == "" {
		what = "no profile named %q, which it names as current"
	}
	return Profile{}, fmt.Errorf("the KooCLI config file %s has "+what+"; its profiles are: %s", f.Path, which, f.namesList())
}

func (f *File) namesList() string {
	names := f.Names()
	if len(names) == 0 {
		return "(none)"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
