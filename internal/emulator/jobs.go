// Copyright (c) The terraform-provider-taurusdb authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"net/http"
	"time"
)

// Job status values, as the task center reports them.
const (
	JobRunning   = "Running"
	JobCompleted = "Completed"
	JobFailed    = "Failed"
)

// Job names. Open/Close/Enlarge/Scale are the names the task center
// documents for proxies; the reduce, port and weight names are the
// emulator's own (the reference lists no name for them).
const (
	jobCreate = "OpenGaussDBforMySQLProxy"
	jobDelete = "CloseGaussDBforMySQLProxy"
	jobFlavor = "ScaleGaussDBforMySQLProxy"
	jobAdd    = "EnlargeGaussDBforMySQLProxy"
	jobReduce = "ReduceGaussDBforMySQLProxy"
	jobPort   = "ModifyGaussDBforMySQLProxyPort"
	jobWeight = "ModifyGaussDBforMySQLProxyWeight"
	// jobRouteMode and the names below are the emulator's own too.
	jobRouteMode        = "ModifyGaussDBforMySQLProxyRouteMode"
	jobTransactionSplit = "ModifyGaussDBforMySQLProxyTransactionSplit"
	jobConsistence      = "ModifyGaussDBforMySQLProxyConsistence"
	jobConnectionPool   = "ModifyGaussDBforMySQLProxyConnectionPool"
	jobSSL              = "ModifyGaussDBforMySQLProxySSL"
	jobALT              = "ModifyGaussDBforMySQLProxyALT"
	jobParameters       = "ModifyGaussDBforMySQLProxyParameters"
	jobCreateDNS        = "CreateGaussDBforMySQLProxyDns"
	jobModifyDNS        = "ModifyGaussDBforMySQLProxyDns"
	jobDeleteDNS        = "DeleteGaussDBforMySQLProxyDns"
	jobUpgrade          = "UpgradeGaussDBforMySQLProxyVersion"
	jobRestart          = "RestartGaussDBforMySQLProxy"
	jobBindEIP          = "BindGaussDBforMySQLProxyEip"
	jobUnbindEIP        = "UnbindGaussDBforMySQLProxyEip"
)

// jobTime is the task center's time layout ("+0000" offsets).
const jobTime = "2006-01-02T15:04:05-0700"

// hungProcess is where the progress of a FaultJobHangs job stops.
const hungProcess = 50

type job struct {
	id, instanceID, name string
	proxyIDs             []string
	created, ended       time.Time
	status               string
	failReason           string

	plannedFailure string // set by FaultJobFails: the job ends Failed with this
	hangs          bool   // set by FaultJobHangs: the job never ends by itself

	// onSuccess applies the operation; onFailure rolls it back. Both run
	// under the lock at the job's end time and must tolerate the proxy
	// having been removed out of band meanwhile.
	onSuccess, onFailure func(at time.Time)
}

// startJob registers a running job for a mutating call, honouring a job
// fault injected on that call.
func (e *Emulator) startJob(c *call, inst *instance, name string, proxyIDs []string, onSuccess, onFailure func(time.Time)) *job {
	j := &job{
		id: newUUID(), instanceID: inst.id, name: name, proxyIDs: proxyIDs,
		created: c.now, status: JobRunning,
		onSuccess: onSuccess, onFailure: onFailure,
	}
	if f := c.jobFault; f != nil {
		switch f.Kind {
		case FaultJobFails:
			j.plannedFailure = f.FailReason
			if j.plannedFailure == "" {
				j.plannedFailure = "injected failure: the task failed in the emulator"
			}
		case FaultJobHangs:
			j.hangs = true
		}
	}
	e.jobs[j.id] = j
	e.jobOrder = append(e.jobOrder, j.id)
	return j
}

// runningJob is the instance's running job, if any: the API runs one
// operation at a time per instance.
func (e *Emulator) runningJob(instanceID string) *job {
	for _, id := range e.jobOrder {
		if j := e.jobs[id]; j.instanceID == instanceID && j.status == JobRunning {
			return j
		}
	}
	return nil
}

func (e *Emulator) busy(inst *instance) *response {
	j := e.runningJob(inst.id)
	if j == nil {
		return nil
	}
	r := apiError(http.StatusConflict, codeBusy, "The instance %s is busy: job %s (%s) is running. Try again later.", inst.id, j.id, j.name)
	return &r
}

// advance ends every job whose time has come, in creation order, and drops
// DELETED proxies whose KeepDeleted window is over. It runs at the start of
// every request and inspection, which makes state changes happen "on time"
// without goroutines and deterministically under a fake clock.
func (e *Emulator) advance(now time.Time) {
	for _, id := range e.jobOrder {
		j := e.jobs[id]
		if j.status != JobRunning || j.hangs {
			continue
		}
		end := j.created.Add(e.cfg.JobDuration)
		if now.Before(end) {
			continue
		}
		e.finishJob(j, end, j.plannedFailure)
	}
	for _, inst := range e.instances {
		inst.purgeDeleted(now, e.cfg.KeepDeleted)
	}
}

func (e *Emulator) finishJob(j *job, at time.Time, failReason string) {
	j.ended = at
	if failReason != "" {
		j.status, j.failReason = JobFailed, failReason
		if j.onFailure != nil {
			j.onFailure(at)
		}
		return
	}
	j.status = JobCompleted
	if j.onSuccess != nil {
		j.onSuccess(at)
	}
}

// FinishJob ends a running job now: Completed when failReason is empty,
// otherwise Failed (with the operation rolled back). It is how a test
// releases a job stuck by FaultJobHangs. It reports whether the job existed
// and was running.
func (e *Emulator) FinishJob(jobID, failReason string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	e.advance(now)
	j, ok := e.jobs[jobID]
	if !ok || j.status != JobRunning {
		return false
	}
	e.finishJob(j, now, failReason)
	return true
}

// process is the progress string: linear in elapsed time while running,
// "" otherwise, as the reference describes.
func (e *Emulator) process(j *job, now time.Time) string {
	if j.status != JobRunning {
		return ""
	}
	pct := int(now.Sub(j.created) * 100 / e.cfg.JobDuration)
	pct = max(0, min(pct, 99))
	if j.hangs {
		pct = min(pct, hungProcess)
	}
	return fmt.Sprintf("%d%%", pct)
}

// jobJSON is the SDK's GetJobInfoDetail. Every key is always sent: ended,
// process and fail_reason are "" when they do not apply, as the reference
// describes ("otherwise returns \"\"").
type jobJSON struct {
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Status     string      `json:"status"`
	Created    string      `json:"created"`
	Ended      string      `json:"ended"`
	Process    string      `json:"process"`
	Instance   jobInstance `json:"instance"`
	Entities   jobEntities `json:"entities"`
	FailReason string      `json:"fail_reason"`
}

type jobInstance struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// jobEntities is GetJobEntitiesInfoDetail, which the SDK models as an empty
// object whose content "differs by task". What it holds here is the
// emulator's choice: the instance, and the proxies the job acts on unless
// Config.OmitJobEntityProxyIDs.
type jobEntities struct {
	InstanceID string   `json:"instance_id"`
	ProxyIDs   []string `json:"proxy_ids,omitempty"`
}

type jobResponseJSON struct {
	Job jobJSON `json:"job"`
}

// getJob is GET /v3/{project_id}/jobs?id={job_id}.
func (e *Emulator) getJob(c *call) response {
	id, ok := c.queryValue("id")
	if !ok || id == "" {
		return badRequest("the query parameter id (the job ID) is required")
	}
	j, ok := e.jobs[id]
	// A fresh job is not queryable for a while on the real service, and
	// another project's job is unknown here.
	if !ok || c.now.Before(j.created.Add(e.cfg.JobInvisible)) || !e.jobInProject(j, c.projectID) {
		return apiError(http.StatusBadRequest, codeJobNotFound, "The job %s does not exist.", id)
	}
	out := jobJSON{
		ID: j.id, Name: j.name, Status: j.status,
		Created:    j.created.UTC().Format(jobTime),
		Process:    e.process(j, c.now),
		Entities:   jobEntities{InstanceID: j.instanceID},
		FailReason: j.failReason,
	}
	if !j.ended.IsZero() {
		out.Ended = j.ended.UTC().Format(jobTime)
	}
	if inst := e.instances[j.instanceID]; inst != nil {
		out.Instance = jobInstance{ID: inst.id, Name: inst.name}
	}
	if !e.cfg.OmitJobEntityProxyIDs {
		out.Entities.ProxyIDs = j.proxyIDs
	}
	return jsonResponse(http.StatusOK, jobResponseJSON{Job: out})
}

// jobInProject reports whether the job's instance belongs to the project.
func (e *Emulator) jobInProject(j *job, projectID string) bool {
	inst := e.instances[j.instanceID]
	return inst == nil || inst.projectID == projectID
}

// JobView is a snapshot of a job for tests.
type JobView struct {
	ID, InstanceID, Name string
	Status               string // JobRunning, JobCompleted or JobFailed
	FailReason           string
	ProxyIDs             []string
	Created, Ended       time.Time // Ended is zero while running
}

// Jobs returns every job so far, in creation order.
func (e *Emulator) Jobs() []JobView {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.advance(e.now())
	out := make([]JobView, 0, len(e.jobOrder))
	for _, id := range e.jobOrder {
		j := e.jobs[id]
		out = append(out, JobView{
			ID: j.id, InstanceID: j.instanceID, Name: j.name, Status: j.status,
			FailReason: j.failReason, ProxyIDs: append([]string(nil), j.proxyIDs...),
			Created: j.created, Ended: j.ended,
		})
	}
	return out
}
