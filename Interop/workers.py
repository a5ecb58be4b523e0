"""Workers written with the SDK's worker framework, as a team would write them.

They live in their own module (not a test file) because TaskHandler runs each worker in a process
started with `spawn`, which imports the worker's function by module name.
"""

from conductor.client.context.task_context import TaskInProgress, get_task_context
from conductor.client.http.models.task import Task
from conductor.client.worker.exception import NonRetryableException
from conductor.client.worker.worker import Worker
from conductor.client.worker.worker_task import worker_task

GREET = "interop_greet"
SHOUT = "interop_shout"
FLAKY = "interop_flaky"
REFUSE = "interop_refuse"
PATIENT = "interop_patient"


@worker_task(task_definition_name=GREET, poll_interval_millis=50)
def greet(name: str, punctuation: str = "!") -> dict:
    """Gets its inputs by parameter name; returns a dict, which becomes the task's output."""
    return {"greeting": f"Hello, {name}{punctuation}"}


@worker_task(task_definition_name=SHOUT, poll_interval_millis=50)
def shout(text: str) -> str:
    """Returns a plain value, which the SDK sends as {"result": value}."""
    return text.upper()


@worker_task(task_definition_name=FLAKY, poll_interval_millis=50)
def flaky(task: Task) -> dict:
    """Gets the whole Task; the first attempt raises (a retryable failure), the retry succeeds."""
    if task.retry_count == 0:
        raise RuntimeError("first attempt always fails")
    return {"attempt": task.retry_count}


@worker_task(task_definition_name=REFUSE, poll_interval_millis=50)
def refuse(reason: str) -> dict:
    """Raises NonRetryableException: FAILED_WITH_TERMINAL_ERROR, no retry."""
    raise NonRetryableException(reason)


def patient(task: Task):
    """Says IN_PROGRESS (call back in 1 s) on its first poll and completes on the next."""
    get_task_context().add_log(f"poll {task.poll_count}")
    if task.poll_count < 2:
        return TaskInProgress(callback_after_seconds=1, output={"progress": 50})
    return {"progress": 100, "polls": task.poll_count}


def patient_worker() -> Worker:
    """The same kind of worker, built as a Worker object instead of with the decorator."""
    return Worker(task_definition_name=PATIENT, execute_function=patient, poll_interval=50)
