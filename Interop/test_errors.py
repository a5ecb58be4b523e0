"""Error surfaces: the SDK raises ApiException with Conductor's status and message."""

from conductor.client.http.rest import ApiException

from support import api_error

UNKNOWN = "00000000-0000-0000-0000-000000000000"


def test_unknown_ids_are_404(workflow_client, task_client, metadata_client):
    for call, args in [
        (workflow_client.get_workflow, (UNKNOWN,)),
        (workflow_client.pause_workflow, (UNKNOWN,)),
        (workflow_client.resume_workflow, (UNKNOWN,)),
        (workflow_client.terminate_workflow, (UNKNOWN,)),
        (workflow_client.restart_workflow, (UNKNOWN,)),
        (workflow_client.retry_workflow, (UNKNOWN,)),
        (task_client.get_task, (UNKNOWN,)),
        (metadata_client.get_task_def, ("no_such_task_type",)),
        (metadata_client.get_workflow_def, ("no_such_workflow",)),
        (workflow_client.start_workflow_by_name, ("no_such_workflow", {})),
    ]:
        error = api_error(call, *args)
        assert isinstance(error, ApiException)
        assert error.status == 404, f"{call.__name__}: {error.status} {error.body}"
        assert error.message, f"{call.__name__} gave no message"


def test_error_bodies_are_conductors_error_response(workflow_client):
    import json
    error = api_error(workflow_client.get_workflow, UNKNOWN)
    body = json.loads(error.body)
    assert body["status"] == 404
    assert UNKNOWN in body["message"]
    assert body["retryable"] is False
