"""The seed's calls ("Sending Signals to Workflows": the Python names it lists) through the generated
WorkflowResourceApi and TaskResourceApi. run.sh runs this file with conductor-python 2.0.0 and again with 1.0.73.

conductor-python 2.0.0 turned `terminate1`, `restart1` and `retry1` into wrappers that drop `reason`,
`use_latest_definitions` and `resume_subworkflow_tasks` before sending; `terminate`, `restart` and `retry` carry them.
1.0.73 sends them from the `…1` calls themselves. The tests state what each version puts on the wire.
"""

import json
import urllib.request
from importlib.metadata import version

import pytest
from conductor.client.http.api.task_resource_api import TaskResourceApi
from conductor.client.http.api.workflow_resource_api import WorkflowResourceApi
from conductor.client.http.api_client import ApiClient
from conductor.client.http.models.rerun_workflow_request import RerunWorkflowRequest

from support import complete_next, fail_next, register_chain, register_workflow, simple, wait, workflow

CLIENT = tuple(int(part) for part in version("conductor-python").split(".")[:2])
# In 2.0.0 the `…1` wrappers send no parameters at all.
WRAPPERS_DROP_PARAMETERS = CLIENT >= (2, 0)


@pytest.fixture(scope="module")
def workflow_api(configuration):
    return WorkflowResourceApi(ApiClient(configuration))


@pytest.fixture(scope="module")
def task_api(configuration):
    return TaskResourceApi(ApiClient(configuration))


def events(configuration, workflow_id):
    with urllib.request.urlopen(f"{configuration.host}/workflow/{workflow_id}/events") as reply:
        return json.loads(reply.read())


def test_pause_resume_and_update_task1(metadata_client, workflow_client, workflow_api, task_api, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [wait("approval")], output_parameters={"by": "${approval.output.by}"})
    workflow_id = workflow_client.start_workflow_by_name(name, {})
    workflow_api.pause_workflow1(workflow_id)
    assert workflow(workflow_client, workflow_id).status == "PAUSED"
    workflow_api.resume_workflow1(workflow_id)
    assert workflow(workflow_client, workflow_id).status == "RUNNING"
    task_api.update_task1({"by": "seed"}, workflow_id, "approval", "COMPLETED")
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "COMPLETED"
    assert execution.output == {"by": "seed"}


def test_terminate1_and_terminate(metadata_client, workflow_client, workflow_api, unique):
    name = unique("wf")
    register_workflow(metadata_client, name, [wait("approval")])
    first = workflow_client.start_workflow_by_name(name, {})
    workflow_api.terminate1(first, reason="seed says stop")
    execution = workflow(workflow_client, first)
    assert execution.status == "TERMINATED"
    if WRAPPERS_DROP_PARAMETERS:
        assert not execution.reason_for_incompletion  # the wrapper dropped the reason
        second = workflow_client.start_workflow_by_name(name, {})
        workflow_api.terminate(second, reason="seed says stop")
        assert workflow(workflow_client, second).reason_for_incompletion == "seed says stop"
    else:
        assert execution.reason_for_incompletion == "seed says stop"


def test_restart1_with_latest_definitions(metadata_client, workflow_client, task_client, workflow_api, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 1})
    complete_next(task_client, task_type)
    register_workflow(metadata_client, name, [simple(task_type, "one"), simple(task_type, "two")], version=2)
    workflow_api.restart1(workflow_id, use_latest_definitions=True)
    restarted = workflow(workflow_client, workflow_id)
    assert restarted.status == "RUNNING"
    if WRAPPERS_DROP_PARAMETERS:
        assert restarted.workflow_version == 1  # the wrapper dropped use_latest_definitions
        complete_next(task_client, task_type)
        workflow_api.restart(workflow_id, use_latest_definitions=True)
        assert workflow(workflow_client, workflow_id).workflow_version == 2
    else:
        assert restarted.workflow_version == 2


def test_retry1_and_rerun(configuration, metadata_client, workflow_client, task_client, workflow_api, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one"])
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 1})
    fail_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "FAILED"
    workflow_api.retry1(workflow_id, resume_subworkflow_tasks=True)
    assert workflow(workflow_client, workflow_id).status == "RUNNING"
    retried = [e for e in events(configuration, workflow_id) if e["kind"] == "signal.retry"]
    carried = [e for e in retried if e.get("detail") == "resuming failed sub-workflows"]
    assert len(carried) == (0 if WRAPPERS_DROP_PARAMETERS else 1)
    if WRAPPERS_DROP_PARAMETERS:
        fail_next(task_client, task_type)
        workflow_api.retry(workflow_id, resume_subworkflow_tasks=True)
        assert any(e.get("detail") == "resuming failed sub-workflows"
                   for e in events(configuration, workflow_id) if e["kind"] == "signal.retry")
    complete_next(task_client, task_type)
    assert workflow(workflow_client, workflow_id).status == "COMPLETED"

    rerun_id = workflow_api.rerun(RerunWorkflowRequest(workflow_input={"n": 2}), workflow_id)
    assert rerun_id == workflow_id
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "RUNNING"
    assert execution.input == {"n": 2}
