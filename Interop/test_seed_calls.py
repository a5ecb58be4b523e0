"""The seed's calls ("Sending Signals to Workflows": the Python names it lists) through the generated
WorkflowResourceApi and TaskResourceApi. run.sh runs this file with conductor-python 2.0.0 and again with 1.0.73,
so it uses only the generated resource APIs, which both generations share (1.0.73's high-level clients are
camelCase: `getWorkflowClient().startWorkflowByName`).

conductor-python 2.0.0 turned `terminate1`, `restart1` and `retry1` into wrappers that drop `reason`,
`use_latest_definitions` and `resume_subworkflow_tasks` before sending; `terminate`, `restart` and `retry` carry them.
1.0.73 sends them from the `…1` calls themselves (and has no `terminate`, `restart` or `retry`). The tests state
what each version puts on the wire.
"""

import json
import time
import urllib.request
from importlib.metadata import version
from types import SimpleNamespace

import pytest
from conductor.client.http.api.metadata_resource_api import MetadataResourceApi
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest
from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_task import WorkflowTask

CLIENT = tuple(int(part) for part in version("conductor-python").split(".")[:2])
# In 2.0.0 the `…1` wrappers send no parameters at all.
WRAPPERS_DROP_PARAMETERS = CLIENT >= (2, 0)


@pytest.fixture(scope="module")
def api(configuration):
    client = ApiClient(configuration)
    return SimpleNamespace(workflow=WorkflowResourceApi(client), task=TaskResourceApi(client),
                           metadata=MetadataResourceApi(client))


def register(api, name, tasks, version=1, output_parameters=None):
    api.metadata.create(WorkflowDef(name=name, version=version, description="seed", tasks=tasks,
                                    output_parameters=output_parameters or {}, schema_version=2, restartable=True,
                                    timeout_policy="ALERT_ONLY", timeout_seconds=0, owner_email="seed@example.com"),
                        overwrite=True)


def wait(ref):
    return WorkflowTask(name=ref, task_reference_name=ref, type="WAIT", input_parameters={})


def simple(task_type, ref):
    return WorkflowTask(name=task_type, task_reference_name=ref, type="SIMPLE", input_parameters={})


def register_chain(api, name, task_type, refs, version=1):
    api.metadata.register_task_def([TaskDef(name=task_type, retry_count=0, retry_logic="FIXED", retry_delay_seconds=0,
                                            timeout_seconds=120, response_timeout_seconds=60,
                                            timeout_policy="TIME_OUT_WF", owner_email="seed@example.com")])
    register(api, name, [simple(task_type, ref) for ref in refs], version=version)


def start(api, name, workflow_input=None):
    return api.workflow.start_workflow1(workflow_input or {}, name)


def workflow(api, workflow_id):
    execution = api.workflow.get_execution_status(workflow_id, include_tasks=True)
    assert execution is not None, f"the SDK could not read workflow {workflow_id}"
    return execution


def finish_next(api, task_type, status):
    """Polls the next task of `task_type` as a worker and reports `status` for it."""
    for _ in range(20):
        task = api.task.poll(task_type, workerid="seed-worker")
        if task is not None and task.task_id:
            api.task.update_task(TaskResult(workflow_instance_id=task.workflow_instance_id, task_id=task.task_id,
                                            worker_id="seed-worker", status=status, output_data={}))
            return
        time.sleep(0.05)
    raise AssertionError(f"no {task_type} task was handed out")


def events(configuration, workflow_id):
    with urllib.request.urlopen(f"{configuration.host}/workflow/{workflow_id}/events") as reply:
        return json.loads(reply.read())


def test_pause_resume_and_update_task1(api, unique):
    name = unique("wf")
    register(api, name, [wait("approval")], output_parameters={"by": "${approval.output.by}"})
    workflow_id = start(api, name)
    api.workflow.pause_workflow1(workflow_id)
    assert workflow(api, workflow_id).status == "PAUSED"
    api.workflow.resume_workflow1(workflow_id)
    assert workflow(api, workflow_id).status == "RUNNING"
    api.task.update_task1({"by": "seed"}, workflow_id, "approval", "COMPLETED")
    execution = workflow(api, workflow_id)
    assert execution.status == "COMPLETED"
    assert execution.output == {"by": "seed"}


def test_terminate1_and_terminate(api, unique):
    name = unique("wf")
    register(api, name, [wait("approval")])
    first = start(api, name)
    api.workflow.terminate1(first, reason="seed says stop")
    execution = workflow(api, first)
    assert execution.status == "TERMINATED"
    if WRAPPERS_DROP_PARAMETERS:
        assert not execution.reason_for_incompletion  # the wrapper dropped the reason
        second = start(api, name)
        api.workflow.terminate(second, reason="seed says stop")
        assert workflow(api, second).reason_for_incompletion == "seed says stop"
    else:
        assert execution.reason_for_incompletion == "seed says stop"


def test_restart1_with_latest_definitions(api, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(api, name, task_type, ["one"])
    workflow_id = start(api, name, {"n": 1})
    finish_next(api, task_type, "COMPLETED")
    register(api, name, [simple(task_type, "one"), simple(task_type, "two")], version=2)
    api.workflow.restart1(workflow_id, use_latest_definitions=True)
    restarted = workflow(api, workflow_id)
    assert restarted.status == "RUNNING"
    if WRAPPERS_DROP_PARAMETERS:
        assert restarted.workflow_version == 1  # the wrapper dropped use_latest_definitions
        finish_next(api, task_type, "COMPLETED")
        api.workflow.restart(workflow_id, use_latest_definitions=True)
        assert workflow(api, workflow_id).workflow_version == 2
    else:
        assert restarted.workflow_version == 2


def test_retry1_and_rerun(configuration, api, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(api, name, task_type, ["one"])
    workflow_id = start(api, name, {"n": 1})
    finish_next(api, task_type, "FAILED")
    assert workflow(api, workflow_id).status == "FAILED"
    api.workflow.retry1(workflow_id, resume_subworkflow_tasks=True)
    assert workflow(api, workflow_id).status == "RUNNING"
    retried = [e for e in events(configuration, workflow_id) if e["kind"] == "signal.retry"]
    carried = [e for e in retried if e.get("detail") == "resuming failed sub-workflows"]
    assert len(carried) == (0 if WRAPPERS_DROP_PARAMETERS else 1)
    if WRAPPERS_DROP_PARAMETERS:
        finish_next(api, task_type, "FAILED")
        api.workflow.retry(workflow_id, resume_subworkflow_tasks=True)
        assert any(e.get("detail") == "resuming failed sub-workflows"
                   for e in events(configuration, workflow_id) if e["kind"] == "signal.retry")
    finish_next(api, task_type, "COMPLETED")
    assert workflow(api, workflow_id).status == "COMPLETED"

    rerun_id = api.workflow.rerun(RerunWorkflowRequest(workflow_input={"n": 2}), workflow_id)
    assert rerun_id == workflow_id
    execution = workflow(api, workflow_id)
    assert execution.status == "RUNNING"
    assert execution.input == {"n": 2}
