"""The task and workflow definitions the browser tests run."""

TASK_DEFS = [
    {"name": "ui_step", "retryCount": 0, "responseTimeoutSeconds": 3600, "ownerEmail": "ui@example.com"},
    {"name": "ui_flaky", "retryCount": 1, "retryLogic": "FIXED", "retryDelaySeconds": 0,
     "responseTimeoutSeconds": 3600, "ownerEmail": "ui@example.com"},
]


def wait_only(name: str, version: int = 1, extra_tasks: list | None = None) -> dict:
    """A workflow of one WAIT task: it stays RUNNING until signalled."""
    return {
        "name": name, "version": version, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
        "inputParameters": ["n"],
        "tasks": [{"name": "approval", "taskReferenceName": "approval", "type": "WAIT"}] + (extra_tasks or []),
        "outputParameters": {"by": "${approval.output.by}"},
    }


TWO_STEPS = {
    "name": "ui_two", "version": 1, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
    "description": "A worker task, then a person's approval",
    "inputParameters": ["who"],
    "tasks": [
        {"name": "ui_step", "taskReferenceName": "step", "type": "SIMPLE",
         "inputParameters": {"who": "${workflow.input.who}"}},
        {"name": "approval", "taskReferenceName": "approval", "type": "WAIT"},
    ],
    "outputParameters": {"greeting": "${step.output.greeting}", "by": "${approval.output.by}"},
}

FLAKY = {
    "name": "ui_flaky_flow", "version": 1, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
    "tasks": [
        {"name": "ui_flaky", "taskReferenceName": "flaky", "type": "SIMPLE", "inputParameters": {"x": 1}},
        {"name": "approval", "taskReferenceName": "approval", "type": "WAIT"},
    ],
    "outputParameters": {"by": "${approval.output.by}"},
}

# A parent whose only task is a child that waits for a signal (`ui_child_wait`, a `wait_only`).
PARENT_OF_WAIT = {
    "name": "ui_parent_of_wait", "version": 1, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
    "tasks": [{"name": "child", "taskReferenceName": "child", "type": "SUB_WORKFLOW",
               "subWorkflowParam": {"name": "ui_child_wait", "version": 1}}],
}

# A parent whose child is TWO_STEPS: a worker task that can fail, then an approval.
PARENT_OF_TWO = {
    "name": "ui_parent_of_two", "version": 1, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
    "inputParameters": ["who"],
    "tasks": [{"name": "child", "taskReferenceName": "child", "type": "SUB_WORKFLOW",
               "subWorkflowParam": {"name": "ui_two", "version": 1}, "inputParameters": {"who": "${workflow.input.who}"}}],
}

# Every kind of node the diagram draws, for the definition editor's preview.
RICH = {
    "name": "ui_rich", "version": 1, "schemaVersion": 2, "restartable": True, "ownerEmail": "ui@example.com",
    "description": "Switch, fork/join, loop and sub-workflow nodes",
    "inputParameters": ["kind"],
    "tasks": [
        {"name": "ui_step", "taskReferenceName": "prepare", "type": "SIMPLE"},
        {"name": "route", "taskReferenceName": "route", "type": "SWITCH", "evaluatorType": "value-param",
         "expression": "kind", "inputParameters": {"kind": "${workflow.input.kind}"},
         "decisionCases": {
             "fast": [{"name": "ui_step", "taskReferenceName": "fast_path", "type": "SIMPLE"}],
             "slow": [{"name": "ui_step", "taskReferenceName": "slow_a", "type": "SIMPLE"},
                      {"name": "approval", "taskReferenceName": "slow_approval", "type": "WAIT"}],
         },
         "defaultCase": []},
        {"name": "fan_out", "taskReferenceName": "fan_out", "type": "FORK_JOIN",
         "forkTasks": [[{"name": "ui_step", "taskReferenceName": "left", "type": "SIMPLE"}],
                       [{"name": "child", "taskReferenceName": "child", "type": "SUB_WORKFLOW",
                         "subWorkflowParam": {"name": "ui_two", "version": 1}}]]},
        {"name": "fan_in", "taskReferenceName": "fan_in", "type": "JOIN", "joinOn": ["left", "child"]},
        {"name": "repeat", "taskReferenceName": "repeat", "type": "DO_WHILE",
         "loopCondition": "if ($.repeat['iteration'] < 3) { true; } else { false; }",
         "loopOver": [{"name": "ui_step", "taskReferenceName": "polish", "type": "SIMPLE"}]},
        {"name": "approval", "taskReferenceName": "final_approval", "type": "WAIT"},
    ],
}
