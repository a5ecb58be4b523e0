import BatonModel

/// Navigation in a definition's task graph: which node follows which.
public struct DefinitionGraph: Sendable {
    public let definition: WorkflowDef

    public init(_ definition: WorkflowDef) {
        self.definition = definition
    }

    /// The node that runs after the node with `reference` has ended well, or `nil` when its list ends
    /// and nothing follows.
    public func node(after reference: String) -> WorkflowTask? {
        let base = TaskExecution.baseReferenceName(of: reference)
        return successor(of: base, in: definition.tasks, continuation: nil).flatMap { $0 }
    }

    /// Whether the node with `reference` sits in a DO_WHILE's body (at any depth).
    public func isInsideLoop(_ reference: String) -> Bool {
        let base = TaskExecution.baseReferenceName(of: reference)
        // Where the node is, and whether a DO_WHILE encloses it; walked in place (this runs for every task
        // scheduled, so it builds no list of the graph's nodes).
        func search(_ list: [WorkflowTask], insideLoop: Bool) -> Bool? {
            for node in list {
                if node.taskReferenceName == base { return insideLoop }
                for branch in node.decisionCases.values {
                    if let found = search(branch, insideLoop: insideLoop) { return found }
                }
                if let found = search(node.defaultCase, insideLoop: insideLoop) { return found }
                for branch in node.forkTasks {
                    if let found = search(branch, insideLoop: insideLoop) { return found }
                }
                if let found = search(node.loopOver, insideLoop: insideLoop || node.type == .doWhile) { return found }
            }
            return nil
        }
        return search(definition.tasks, insideLoop: false) ?? false
    }

    /// The node that follows `node` in the list that contains it, or nil at the end of that list.
    public func nodeFollowing(_ reference: String) -> WorkflowTask? {
        func search(_ list: [WorkflowTask]) -> WorkflowTask?? {
            for (position, node) in list.enumerated() {
                if node.taskReferenceName == reference {
                    return .some(position + 1 < list.count ? list[position + 1] : nil)
                }
                for branch in node.decisionCases.values + [node.defaultCase, node.loopOver] + node.forkTasks {
                    if let found = search(branch) { return found }
                }
            }
            return nil
        }
        return search(definition.tasks).flatMap { $0 }
    }

    /// Searches `list` for `reference`; returns `.some(next)` once found (`next` may be nil), `nil` if absent.
    private func successor(of reference: String, in list: [WorkflowTask],
                           continuation: WorkflowTask?) -> WorkflowTask?? {
        for (position, node) in list.enumerated() {
            let following = position + 1 < list.count ? list[position + 1] : continuation
            if node.taskReferenceName == reference { return .some(following) }
            for branch in node.decisionCases.values + [node.defaultCase] {
                if let found = successor(of: reference, in: branch, continuation: following) { return found }
            }
            for branch in node.forkTasks {
                if let found = successor(of: reference, in: branch, continuation: nil) { return found }
            }
            if let found = successor(of: reference, in: node.loopOver, continuation: nil) { return found }
        }
        return nil
    }
}
