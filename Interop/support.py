"""Helpers the interop tests share. Everything here goes through the SDK's public API only."""

import time
from typing import Callable, Optional

from conductor.client.http.models.task_def import TaskDef
from conductor.client.http.models.task_result import TaskResult
from conductor.client.http.models.workflow_def import WorkflowDef
from conductor.client.http.models.workflow_task import WorkflowTask
from conductor.client.http.rest import ApiException

TERMINAL = {"COMPLETED", "FAILED", "TIMED_OUT", "TERMINATED"}


def register_task_type(metadata_client, name: str, retry_count: int = 0) -> TaskDef:
    """Registers a task definition that fails fast (no automatic retries unless asked, no delay)."""
    definition = TaskDef(name=name, description="interop", retry_count=retry_count, retry_logic="FIXED",
                         retry_delay_seconds=0, timeout_seconds=120, response_timeout_seconds=60,
                         timeout_policy="TIME_OUT_WF", owner_email="interop@example.com")
    metadata_client.register_task_def(definition)
    return definition


def simple(task_type: str, ref: str, inputs: Optional[dict] = None) -> WorkflowTask:
    return WorkflowTask(name=task_type, task_reference_name=ref, type="SIMPLE",
                        input_parameters=inputs if inputs is not None else {"n": "${workflow.input.n}"})


def wait(ref: str) -> WorkflowTask:
    return WorkflowTask(name=ref, task_reference_name=ref, type="WAIT", input_parameters={})


def register_workflow(metadata_client, name: str, tasks: list, version: int = 1,
                      output_parameters: Optional[dict] = None, restartable: bool = True) -> WorkflowDef:
    """Registers (overwriting) a workflow definition of `tasks`."""
    definition = WorkflowDef(name=name, version=version, description="interop", tasks=tasks,
                             output_parameters=output_parameters or {}, schema_version=2,
                             restartable=restartable, timeout_policy="ALERT_ONLY", timeout_seconds=0,
                             owner_email="interop@example.com")
    metadata_client.register_workflow_def(definition, overwrite=True)
    return definition


def register_chain(metadata_client, name: str, task_type: str, refs: list[str], retry_count: int = 0,
                   output_parameters: Optional[dict] = None) -> WorkflowDef:
    """Registers `task_type` and a workflow `name` running it once per reference name, in order."""
    register_task_type(metadata_client, task_type, retry_count=retry_count)
    return register_workflow(metadata_client, name, [simple(task_type, ref) for ref in refs],
                             output_parameters=output_parameters)


def poll(task_client, task_type: str, worker_id: str = "interop-worker", attempts: int = 20):
    """Polls one task of `task_type` with the SDK, retrying briefly; None when none is handed out."""
    for _ in range(attempts):
        task = task_client.poll_task(task_type, worker_id=worker_id)
        # The SDK turns a 204 into an empty Task(), never None: the task id is what tells.
        if task is not None and task.task_id:
            return task
        time.sleep(0.05)
    return None


def poll_none(task_client, task_type: str) -> bool:
    """True when a poll of `task_type` hands out nothing."""
    task = task_client.poll_task(task_type, worker_id="interop-worker")
    return task is None or not task.task_id


def report(task_client, task, status: str, output: Optional[dict] = None, reason: Optional[str] = None) -> str:
    """Reports a worker's result for `task` through `update_task` (POST /tasks)."""
    result = TaskResult(workflow_instance_id=task.workflow_instance_id, task_id=task.task_id,
                        worker_id="interop-worker", status=status, output_data=output or {},
                        reason_for_incompletion=reason)
    return task_client.update_task(result)


def complete_next(task_client, task_type: str, output: Optional[dict] = None):
    """Polls the next task of `task_type` and completes it; returns the polled task."""
    task = poll(task_client, task_type)
    assert task is not None, f"no {task_type} task was handed out"
    report(task_client, task, "COMPLETED", output)
    return task


def fail_next(task_client, task_type: str, reason: str = "it broke"):
    task = poll(task_client, task_type)
    assert task is not None, f"no {task_type} task was handed out"
    report(task_client, task, "FAILED", reason=reason)
    return task


def workflow(workflow_client, workflow_id: str):
    """The execution with its tasks, read through the SDK (never None: a failed decode is a test failure)."""
    execution = workflow_client.get_workflow(workflow_id, include_tasks=True)
    assert execution is not None, f"the SDK could not read workflow {workflow_id}"
    return execution


def wait_for(workflow_client, workflow_id: str, predicate: Callable, timeout: float = 30, what: str = "condition"):
    """Re-reads the workflow until `predicate(workflow)` holds; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        execution = workflow(workflow_client, workflow_id)
        if predicate(execution):
            return execution
        if time.monotonic() > deadline:
            raise AssertionError(f"workflow {workflow_id} never reached {what}; it is {execution.status} "
                                 f"with tasks {[(t.reference_task_name, t.status) for t in execution.tasks or []]}")
        time.sleep(0.1)


def wait_for_status(workflow_client, workflow_id: str, status: str, timeout: float = 30):
    return wait_for(workflow_client, workflow_id, lambda w: w.status == status, timeout, status)


def tasks_by_ref(execution) -> dict:
    """The execution's task attempts grouped by reference name, in order."""
    grouped: dict = {}
    for task in execution.tasks or []:
        grouped.setdefault(task.reference_task_name, []).append(task)
    return grouped


def api_error(call: Callable, *args, **kwargs) -> ApiException:
    """Runs `call` and returns the ApiException it raises; fails the test if it raises none."""
    try:
        call(*args, **kwargs)
    except ApiException as error:
        return error
    raise AssertionError(f"{getattr(call, '__name__', call)} did not raise ApiException")
