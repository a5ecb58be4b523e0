"""The diagram for node kinds the server cannot run yet (SWITCH, FORK/JOIN, DO_WHILE, SUB_WORKFLOW), drawn in the
real browser from a definition and a made-up task list: colours by status and the executed path."""
import copy

from definitions import RICH


def task(ref, status, seq, **extra):
    base = {"taskId": f"id-{ref}-{seq}", "referenceTaskName": ref, "status": status, "seq": seq, "retryCount": 0,
            "scheduledTime": 1_700_000_000_000 + seq * 100, "startTime": 1_700_000_000_000 + seq * 100 + 10,
            "endTime": 0 if status in ("SCHEDULED", "IN_PROGRESS") else 1_700_000_000_000 + seq * 100 + 80,
            "taskType": "SIMPLE", "taskDefName": ref, "inputData": {}, "outputData": {}}
    base.update(extra)
    return base


TASKS = [
    task("prepare", "COMPLETED", 1),
    task("route", "COMPLETED", 2, taskType="SWITCH", outputData={"evaluationResult": ["slow"]}),
    task("slow_a", "FAILED", 3, retried=True),
    task("slow_a", "COMPLETED", 4, retryCount=1),
    task("slow_approval", "COMPLETED", 5, taskType="WAIT"),
    task("fan_out", "COMPLETED", 6, taskType="FORK"),
    task("left", "COMPLETED", 7),
    task("child", "IN_PROGRESS", 8, taskType="SUB_WORKFLOW", subWorkflowId="child-workflow-id"),
    task("fan_in", "IN_PROGRESS", 9, taskType="JOIN"),
]

RENDER = """
const [definition, tasks] = arguments;
const svg = Baton.graph.renderDiagram(definition, {tasks, workflowStatus: 'RUNNING', selectedRef: 'child'});
const holder = document.createElement('div');
holder.className = 'diagram';
holder.style.maxHeight = 'none';
holder.appendChild(svg);
const main = document.getElementById('main');
main.replaceChildren(holder);
const nodes = {};
svg.querySelectorAll('.node[data-ref]').forEach((n) => { nodes[n.dataset.ref] = n.dataset.status; });
return {nodes, exec: svg.querySelectorAll('path.edge.exec').length, edges: svg.querySelectorAll('path.edge').length,
        labels: Array.from(svg.querySelectorAll('.edge-label.exec')).map((l) => l.textContent),
        text: svg.textContent};
"""


def test_switch_fork_loop_and_sub_workflow_nodes(ui, api):
    ui.open("/definitions")
    ui.find("[data-role=workflow-defs], .empty")
    result = ui.driver.execute_script(RENDER, RICH, TASKS)
    nodes = result["nodes"]
    assert nodes["prepare"] == "COMPLETED"
    assert nodes["route"] == "COMPLETED"
    assert nodes["slow_a"] == "COMPLETED"  # the latest attempt colours the node
    assert nodes["fast_path"] == "NOT_RUN"
    assert nodes["child"] == "IN_PROGRESS"
    assert nodes["fan_in"] == "IN_PROGRESS"
    assert nodes["repeat"] == "NOT_RUN" and nodes["polish"] == "NOT_RUN"
    assert result["labels"] == ["slow"]  # only the taken SWITCH branch is on the executed path
    assert "2 attempts" in result["text"] and "↗ child" in result["text"]
    # start→prepare→route, route→slow_a→slow_approval→merge, merge→fan_out, fan_out→left, fan_out→child, left→join
    assert result["exec"] == 9, result
    ui.driver.set_window_size(1440, 1800)
    ui.screenshot("diagram-switch-fork-loop")


def test_loop_iterations_and_default_branch(ui, api):
    ui.open("/definitions")
    ui.find("[data-role=workflow-defs], .empty")
    tasks = [
        task("prepare", "COMPLETED", 1),
        task("route", "COMPLETED", 2, taskType="SWITCH", outputData={"evaluationResult": ["other"]}),
        task("fan_out", "COMPLETED", 3, taskType="FORK"),
        task("left", "COMPLETED", 4),
        task("child", "COMPLETED", 5, taskType="SUB_WORKFLOW", subWorkflowId="c1"),
        task("fan_in", "COMPLETED", 6, taskType="JOIN"),
        task("repeat", "IN_PROGRESS", 7, taskType="DO_WHILE", iteration=2),
        task("polish__1", "COMPLETED", 8, iteration=1),
        task("polish__2", "IN_PROGRESS", 9, iteration=2),
    ]
    result = ui.driver.execute_script(RENDER, copy.deepcopy(RICH), tasks)
    assert result["labels"] == ["default"]
    assert result["nodes"]["polish"] == "IN_PROGRESS"  # the current iteration
    assert result["nodes"]["fast_path"] == "NOT_RUN" and result["nodes"]["slow_a"] == "NOT_RUN"
    assert "2 iterations" in result["text"]
