"""Task and workflow definitions through OrkesMetadataClient."""

from conductor.client.http.models.task_def import TaskDef

from support import api_error, register_task_type, register_workflow, simple, wait


def test_task_definition_register_read_update_delete(metadata_client, unique):
    name = unique("td")
    register_task_type(metadata_client, name, retry_count=2)  # POST /metadata/taskdefs with a list

    definition = metadata_client.get_task_def(name)
    assert definition is not None
    assert definition.name == name
    assert definition.retry_count == 2
    assert definition.retry_logic == "FIXED"
    assert definition.timeout_policy == "TIME_OUT_WF"
    assert definition.response_timeout_seconds == 60
    assert definition.owner_email == "interop@example.com"
    assert name in [d.name for d in metadata_client.get_all_task_defs()]

    definition.retry_count = 5
    definition.retry_logic = "EXPONENTIAL_BACKOFF"
    metadata_client.update_task_def(definition)  # PUT /metadata/taskdefs with one object
    updated = metadata_client.get_task_def(name)
    assert updated.retry_count == 5
    assert updated.retry_logic == "EXPONENTIAL_BACKOFF"

    metadata_client.unregister_task_def(name)
    assert api_error(metadata_client.get_task_def, name).status == 404


def test_updating_an_unknown_task_definition_is_404(metadata_client, unique):
    error = api_error(metadata_client.update_task_def, TaskDef(name=unique("missing"), response_timeout_seconds=10))
    assert error.status == 404


def test_workflow_definition_register_read_update_delete(metadata_client, unique):
    name = unique("wd")
    task_type = unique("td")
    register_task_type(metadata_client, task_type)
    register_workflow(metadata_client, name, [simple(task_type, "first"), wait("approval")],
                      output_parameters={"approvedBy": "${approval.output.by}"})

    definition = metadata_client.get_workflow_def(name)
    assert definition is not None
    assert (definition.name, definition.version) == (name, 1)
    assert [t.task_reference_name for t in definition.tasks] == ["first", "approval"]
    assert [t.type for t in definition.tasks] == ["SIMPLE", "WAIT"]
    assert definition.tasks[0].input_parameters == {"n": "${workflow.input.n}"}
    assert definition.output_parameters == {"approvedBy": "${approval.output.by}"}
    assert definition.restartable is True
    assert definition.timeout_policy == "ALERT_ONLY"

    # Version 2 through update_workflow_def (PUT /metadata/workflow with a list).
    definition.version = 2
    definition.description = "second"
    metadata_client.update_workflow_def(definition)
    assert metadata_client.get_workflow_def(name).version == 2  # latest when no version is given
    assert metadata_client.get_workflow_def(name, version=1).description == "interop"
    versions = sorted(d.version for d in metadata_client.get_all_workflow_defs() if d.name == name)
    assert versions == [1, 2]

    metadata_client.unregister_workflow_def(name, 2)
    assert metadata_client.get_workflow_def(name).version == 1
    assert api_error(metadata_client.get_workflow_def, name, version=2).status == 404


def test_registering_an_existing_version_without_overwrite_is_409(metadata_client, unique):
    name = unique("wd")
    task_type = unique("td")
    register_task_type(metadata_client, task_type)
    definition = register_workflow(metadata_client, name, [simple(task_type, "a")])
    # overwrite=False goes out as `?overwrite=False` (a capitalised Python boolean).
    error = api_error(metadata_client.register_workflow_def, definition, overwrite=False)
    assert error.status == 409
    assert name in error.message


def test_an_invalid_workflow_definition_is_400(metadata_client, unique):
    from conductor.client.http.models.workflow_def import WorkflowDef
    error = api_error(metadata_client.register_workflow_def, WorkflowDef(name=unique("empty"), version=1, tasks=[]))
    assert error.status == 400
