// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/taurusdb-community/terraform-provider-taurusdb/internal/taurusdb"
)

var (
	_ datasource.DataSource              = &proxyInstancesDataSource{}
	_ datasource.DataSourceWithConfigure = &proxyInstancesDataSource{}
)

// NewProxyInstancesDataSource is the taurusdb_proxy_instances data source.
func NewProxyInstancesDataSource() datasource.DataSource {
	return &proxyInstancesDataSource{}
}

type proxyInstancesDataSource struct {
	configuredDataSource
}

type proxyInstancesModel struct {
	Region     types.String        `tfsdk:"region"`
	InstanceID types.String        `tfsdk:"instance_id"`
	ID         types.String        `tfsdk:"id"`
	Name       types.String        `tfsdk:"name"`
	Status     types.String        `tfsdk:"status"`
	ProxyMode  types.String        `tfsdk:"proxy_mode"`
	Proxies    []proxyElementModel `tfsdk:"proxies"`
}

// proxyElementModel is one proxy of the list: the attributes of the
// taurusdb_proxy_instance resource, without its timeouts, and two facts of
// the deployment the resource does not hold (elb_vip, mode).
type proxyElementModel struct {
	ID                              types.String `tfsdk:"id"`
	InstanceID                      types.String `tfsdk:"instance_id"`
	Flavor                          types.String `tfsdk:"flavor"`
	NodeNum                         types.Int64  `tfsdk:"node_num"`
	Name                            types.String `tfsdk:"name"`
	ProxyMode                       types.String `tfsdk:"proxy_mode"`
	Port                            types.Int64  `tfsdk:"port"`
	NodesReadWeight                 types.List   `tfsdk:"nodes_read_weight"`
	SubnetID                        types.String `tfsdk:"subnet_id"`
	RouteMode                       types.Int64  `tfsdk:"route_mode"`
	Address                         types.String `tfsdk:"address"`
	Status                          types.String `tfsdk:"status"`
	VCPUs                           types.String `tfsdk:"vcpus"`
	RAM                             types.String `tfsdk:"ram"`
	Nodes                           types.List   `tfsdk:"nodes"`
	TransactionSplit                types.String `tfsdk:"transaction_split"`
	ConsistenceMode                 types.String `tfsdk:"consistence_mode"`
	ConnectionPoolType              types.String `tfsdk:"connection_pool_type"`
	SSL                             types.Bool   `tfsdk:"ssl"`
	NewNodeAutoAdd                  types.String `tfsdk:"new_node_auto_add"`
	NewNodeWeight                   types.Int64  `tfsdk:"new_node_weight"`
	AccessControl                   types.Object `tfsdk:"access_control"`
	Parameters                      types.List   `tfsdk:"parameters"`
	CurrentVersion                  types.String `tfsdk:"current_version"`
	CanUpgrade                      types.Bool   `tfsdk:"can_upgrade"`
	CreatedAt                       types.String `tfsdk:"created_at"`
	UpdatedAt                       types.String `tfsdk:"updated_at"`
	EIP                             types.String `tfsdk:"eip"`
	SwitchConnectionPoolTypeEnabled types.Bool   `tfsdk:"switch_connection_pool_type_enabled"`
	BalanceRouteModeEnabled         types.Bool   `tfsdk:"balance_route_mode_enabled"`
	DelayThreshold                  types.Int64  `tfsdk:"delay_threshold_in_seconds"`
	DNSName                         types.String `tfsdk:"dns_name"`
	ELBVIP                          types.String `tfsdk:"elb_vip"`
	Mode                            types.String `tfsdk:"mode"`
}

func (d *proxyInstancesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_proxy_instances"
}

func computedStr(desc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
}

func computedInt(desc string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: desc}
}

func computedBoolAttr(desc string) schema.BoolAttribute {
	return schema.BoolAttribute{Computed: true, MarkdownDescription: desc}
}

func computedList(desc string, attrs map[string]schema.Attribute) schema.ListNestedAttribute {
	return schema.ListNestedAttribute{Computed: true, MarkdownDescription: desc, NestedObject: schema.NestedAttributeObject{Attributes: attrs}}
}

func (d *proxyInstancesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	filter := func(desc string, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc, Validators: v}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The database proxies of a TaurusDB instance, each with the attributes of the `taurusdb_proxy_instance` resource, " +
			"and the load balancer's `elb_vip` and the deployment `mode`. " +
			"Proxies the API lists as `DELETED` are left out unless `status = \"DELETED\"`. An instance without proxies gives an empty list; " +
			"an instance that does not exist is an error. Besides the proxy list, reading it makes three calls per listed proxy " +
			"(kernel version, access control, parameters); a detail that cannot be read is left empty, with a warning.",
		Attributes: map[string]schema.Attribute{
			"region": regionDataSourceAttribute(),
			"instance_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "ID of the TaurusDB instance.",
				Validators:          []validator.String{instanceIDValidator()},
			},
			"id":         filter("Only the proxy with this ID.", proxyIDValidator()),
			"name":       filter("Only the proxy with this name.", stringvalidator.LengthBetween(1, 64)),
			"status":     filter("Only proxies in this status, such as `ACTIVE`.", stringvalidator.LengthAtLeast(1)),
			"proxy_mode": filter("Only proxies of this mode: `readwrite` or `readonly`.", stringvalidator.OneOf("readwrite", "readonly")),
			"proxies": computedList("The proxies that match every filter given, in the API's order.", map[string]schema.Attribute{
				"id":          computedStr("The proxy's ID (`pool_id`)."),
				"instance_id": computedStr("ID of the TaurusDB instance."),
				"flavor":      computedStr("Proxy flavor (`flavor_ref`)."),
				"node_num":    computedInt("Number of proxy nodes."),
				"name":        computedStr("Proxy name."),
				"proxy_mode":  computedStr("`readwrite` or `readonly` (the API's `proxy.type`)."),
				"port":        computedInt("Port the proxy listens on."),
				"nodes_read_weight": computedList("Read weights of the instance's database nodes: the primary first, then the read replicas.", map[string]schema.Attribute{
					"id":     computedStr("Database node ID."),
					"weight": computedInt("Read weight, 0 to 1000."),
				}),
				"subnet_id":  computedStr("Subnet of the proxy's address."),
				"route_mode": computedInt("Routing policy: `0` weighted; `1` load balancing, the primary takes no reads; `2` load balancing, the primary takes reads."),
				"address":    computedStr("Private address of the proxy."),
				"status":     computedStr("Proxy status, such as `ACTIVE`."),
				"vcpus":      computedStr("vCPUs per proxy node."),
				"ram":        computedStr("Memory per proxy node, in GB."),
				"nodes": computedList("The proxy's nodes.", map[string]schema.Attribute{
					"id":          computedStr("Proxy node ID."),
					"name":        computedStr("Proxy node name."),
					"role":        computedStr("Role of the node."),
					"az_code":     computedStr("Availability zone of the node."),
					"status":      computedStr("Status of the node."),
					"frozen_flag": computedInt("`0` not frozen, `1` frozen, `2` frozen and being deleted."),
				}),
				"transaction_split":    computedStr("Transaction splitting: `ON` or `OFF`."),
				"consistence_mode":     computedStr("Read consistency: `session`, `global` or `eventual`."),
				"connection_pool_type": computedStr("Connection pool: `CLOSED` or `SESSION`."),
				"ssl":                  computedBoolAttr("Whether the proxy encrypts connections with SSL."),
				"new_node_auto_add":    computedStr("Whether database nodes added to the instance later join this proxy: `ON` or `OFF`."),
				"new_node_weight":      computedInt("Read weight of database nodes that join the proxy by `new_node_auto_add`."),
				"access_control": schema.SingleNestedAttribute{
					Computed:            true,
					MarkdownDescription: "Which client addresses may connect; empty when it could not be read.",
					Attributes: map[string]schema.Attribute{
						"enabled": computedBoolAttr("Whether access control is on."),
						"type":    computedStr("`white` or `black`."),
						"ip_list": computedList("The addresses or CIDR blocks.", map[string]schema.Attribute{
							"ip":          computedStr("An IP address or CIDR block."),
							"description": computedStr("A note."),
						}),
					},
				},
				"parameters": computedList("Every parameter the proxy lists, by name; empty when they could not be read.", map[string]schema.Attribute{
					"name":  computedStr("Parameter name."),
					"value": computedStr("Parameter value, as a string."),
				}),
				"current_version":                     computedStr("Version of the proxy kernel."),
				"can_upgrade":                         computedBoolAttr("Whether a newer proxy kernel is available (see `taurusdb_proxy_upgrade`)."),
				"created_at":                          computedStr("When the proxy was created, as the API reports it."),
				"updated_at":                          computedStr("When the proxy was last changed, as the API reports it."),
				"eip":                                 computedStr("Elastic public IP bound to the proxy, if any (see `taurusdb_proxy_eip_association`)."),
				"switch_connection_pool_type_enabled": computedBoolAttr("Whether the proxy's kernel supports the session-level connection pool."),
				"balance_route_mode_enabled":          computedBoolAttr("Whether the proxy's kernel supports the load-balancing route modes `1` and `2`."),
				"delay_threshold_in_seconds":          computedInt("Replication delay, in seconds, above which a read replica takes no reads."),
				"dns_name":                            computedStr("The proxy's private DNS name, if the list reports one."),
				"elb_vip":                             computedStr("Virtual IP address of the proxy's load balancer (the API's `elb_vip`), if the list reports one."),
				"mode":                                computedStr("Deployment mode of the proxy's nodes, such as `Cluster` (the API's `proxy.mode`; not `proxy_mode`), if the list reports one."),
			}),
		},
	}
}

// Read lists the proxies, filters them, and reads each one's details.
// @API GET /v3/{project_id}/instances/{instance_id}/proxies
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/{engine_name}/proxy-version
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/ipgroup
// @API GET /v3/{project_id}/instances/{instance_id}/proxy/{proxy_id}/configurations
func (d *proxyInstancesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m proxyInstancesModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m.Region = d.resolvedRegion(m.Region)
	ctx, c := d.client(ctx, m.Region, &resp.Diagnostics)
	if c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, readTimeout)
	defer cancel()
	instanceID := m.InstanceID.ValueString()
	keep := proxyFilter(m.ID, m.Name, m.Status, m.ProxyMode)
	list, err := c.ListProxyDetails(ctx, instanceID, keep, taurusdb.DetailsWanted{AccessControl: true, Parameters: true})
	if err != nil {
		summary := fmt.Sprintf("listing the TaurusDB proxies of instance (%s)", instanceID)
		next := "Run the command again."
		if taurusdb.IsNotFound(err) {
			summary = fmt.Sprintf("TaurusDB instance (%s) not found", instanceID)
			next = notFoundHelp(instanceID, "")
		}
		resp.Diagnostics.AddError(summary, opDetail(instanceID, "", "", err, next))
		return
	}
	m.Proxies = make([]proxyElementModel, 0, len(list))
	var warnings []error
	for _, details := range list {
		el, diags := proxyElementFrom(ctx, instanceID, details)
		resp.Diagnostics.Append(diags...)
		m.Proxies = append(m.Proxies, el)
		warnings = append(warnings, details.Warnings...)
	}
	if len(warnings) > 0 {
		resp.Diagnostics.AddWarning(fmt.Sprintf("reading the TaurusDB proxies of instance (%s)", instanceID),
			"Some details could not be read and are left empty:\n"+errors.Join(warnings...).Error())
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// proxyElementFrom flattens one proxy with the resource's own code
// (proxyInstanceModel.fromAPI), which reports access control whenever it
// was read; parameters it reports by the names the model holds, so the
// model starts with every name the proxy lists.
func proxyElementFrom(ctx context.Context, instanceID string, d *taurusdb.ProxyDetails) (proxyElementModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	m := proxyInstanceModel{
		InstanceID:    types.StringValue(instanceID),
		AccessControl: types.ObjectNull(accessControlAttrTypes),
		Parameters:    types.ListNull(types.ObjectType{AttrTypes: parameterAttrTypes}),
	}
	if d.Parameters != nil {
		// Naming every parameter makes fromAPI report each one.
		names := make([]parameterModel, 0, len(d.Parameters))
		for _, p := range d.Parameters {
			names = append(names, parameterModel{Name: types.StringValue(p.Name), Value: types.StringValue(p.Value)})
		}
		l, ld := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: parameterAttrTypes}, names)
		diags.Append(ld...)
		m.Parameters = l
	}
	diags.Append(m.fromAPI(ctx, d, nil)...)
	return proxyElementModel{
		ID: m.ID, InstanceID: m.InstanceID, Flavor: m.Flavor, NodeNum: m.NodeNum, Name: m.Name, ProxyMode: m.ProxyMode,
		Port: m.Port, NodesReadWeight: m.NodesReadWeight, SubnetID: m.SubnetID, RouteMode: m.RouteMode, Address: m.Address,
		Status: m.Status, VCPUs: m.VCPUs, RAM: m.RAM, Nodes: m.Nodes, TransactionSplit: m.TransactionSplit,
		ConsistenceMode: m.ConsistenceMode, ConnectionPoolType: m.ConnectionPoolType, SSL: m.SSL, NewNodeAutoAdd: m.NewNodeAutoAdd,
		NewNodeWeight: m.NewNodeWeight, AccessControl: m.AccessControl, Parameters: m.Parameters, CurrentVersion: m.CurrentVersion,
		CanUpgrade: m.CanUpgrade, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, EIP: m.EIP,
		SwitchConnectionPoolTypeEnabled: m.SwitchConnectionPoolTypeEnabled, BalanceRouteModeEnabled: m.BalanceRouteModeEnabled,
		DelayThreshold: m.DelayThreshold, DNSName: m.DNSName,
		// Only the data source reports these: they are read-only facts of
		// the deployment, not settings the resource manages.
		ELBVIP: listedString(d.Entry.Proxy.ELBVIP), Mode: listedString(d.Entry.Proxy.Mode),
	}, diags
}

// listedString is a string the proxy list may leave out (older API versions
// do, and the SDK models every field as optional): null when absent or
// empty, so "not reported" does not read as a value.
func listedString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// proxyFilter keeps the proxies that match every filter that is set (id,
// name, status, proxy mode), and leaves out proxies listed as DELETED
// unless status asks for them. The proxies data source and the list
// resource filter with it.
func proxyFilter(id, name, status, mode types.String) func(*taurusdb.ProxyEntry) bool {
	return func(e *taurusdb.ProxyEntry) bool {
		p := e.Proxy
		if p.Status == taurusdb.ProxyDeleted && status.ValueString() != taurusdb.ProxyDeleted {
			return false
		}
		for _, f := range [][2]string{
			{id.ValueString(), p.PoolID}, {name.ValueString(), p.Name}, {status.ValueString(), p.Status}, {mode.ValueString(), p.Type},
		} {
			if f[0] != "" && f[0] != f[1] {
				return false
			}
		}
		return true
	}
}
