"""WorkflowExecutor.execute, skip_task_from_workflow and test_workflow through the SDK, unmodified."""

from conductor.client.http.models.skip_task_request import SkipTaskRequest
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.http.models.workflow_test_request import TaskMock, WorkflowTestRequest
from conductor.client.workflow.executor.workflow_executor import WorkflowExecutor

from support import complete_next, register_chain, register_workflow, simple, tasks_by_ref, wait, workflow


def test_execute_answers_a_completed_workflow(configuration, metadata_client, unique):
    name = unique("wf")
    noop = WorkflowTask(name="noop", task_reference_name="noop", type="NOOP", input_parameters={})
    register_workflow(metadata_client, name, [noop], output_parameters={"echo": "${workflow.input.n}"})
    run = WorkflowExecutor(configuration).execute(name, version=1, workflow_input={"n": 5}, request_id="req-1",
                                                  correlation_id="corr-1")
    assert run.status == "COMPLETED"
    assert run.output == {"echo": 5}
    assert run.request_id == "req-1"
    assert run.correlation_id == "corr-1"
    assert [t.task_type for t in run.tasks] == ["NOOP"]


def test_execute_answers_when_the_workflow_blocks_or_time_is_up(configuration, metadata_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name + "_chain", task_type, ["first"])
    register_workflow(metadata_client, name, [wait("approval")])
    executor = WorkflowExecutor(configuration)
    blocked = executor.execute(name, version=1, workflow_input={})
    assert blocked.status == "RUNNING"
    assert [(t.reference_task_name, t.status) for t in blocked.tasks] == [("approval", "IN_PROGRESS")]

    waiting = executor.execute(name + "_chain", version=1, workflow_input={"n": 1}, wait_for_seconds=1)
    assert waiting.status == "RUNNING"  # not done in time: the state so far, not an error
    assert [t.status for t in waiting.tasks] == ["SCHEDULED"]
    complete_next(task_client, task_type)


def test_skip_task_from_workflow(configuration, metadata_client, workflow_client, task_client, unique):
    name, task_type = unique("wf"), unique("work")
    register_chain(metadata_client, name, task_type, ["one", "two", "three"])
    workflow_id = workflow_client.start_workflow_by_name(name, {"n": 1})
    # The SDK sends the request as a query parameter in Python's repr, so only the skip itself reaches a server.
    WorkflowExecutor(configuration).skip_task_from_workflow(workflow_id, "two", SkipTaskRequest())
    assert tasks_by_ref(workflow(workflow_client, workflow_id))["two"][-1].status == "SKIPPED"
    assert complete_next(task_client, task_type).reference_task_name == "one"
    assert complete_next(task_client, task_type).reference_task_name == "three"
    execution = workflow(workflow_client, workflow_id)
    assert execution.status == "COMPLETED"
    assert [t.status for t in tasks_by_ref(execution)["two"]] == ["SKIPPED"]


def test_test_workflow_runs_on_mocks_and_stores_nothing(metadata_client, workflow_client, unique):
    name = unique("wf")
    definition = WorkflowDef(name=name, version=1, tasks=[simple("charge", "charge", {}), wait("approval")],
                             output_parameters={"id": "${charge.output.id}", "by": "${approval.output.by}"},
                             schema_version=2, timeout_policy="ALERT_ONLY", timeout_seconds=0,
                             owner_email="interop@example.com")
    request = WorkflowTestRequest(name=name, version=1, workflow_def=definition, input={},
                                  task_ref_to_mock_output={"charge": [TaskMock(output={"id": "ch-1"})],
                                                           "approval": [TaskMock(output={"by": "ops"})]})
    result = workflow_client.test_workflow(request)
    assert result.status == "COMPLETED"
    assert result.output == {"id": "ch-1", "by": "ops"}
    assert [t.status for t in result.tasks] == ["COMPLETED", "COMPLETED"]
    assert workflow_client.search(query=f"workflowType IN ({name})").results == []
