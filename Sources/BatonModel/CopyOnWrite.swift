/// A value's members kept behind one reference and copied on write, for the model types that are copied far
/// more often than changed (every task carries its definition node, every execution its definition): a copy
/// of the value costs one retain instead of one for each of its strings, lists and objects.
struct CopyOnWrite<Fields: Hashable & Sendable>: Hashable, Sendable {
    private final class Box: @unchecked Sendable {  // mutated only when uniquely referenced
        var fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var box: Box

    init(_ fields: Fields) { box = Box(fields) }

    var fields: Fields {
        _read { yield box.fields }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
            yield &box.fields
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.box === rhs.box || lhs.box.fields == rhs.box.fields
    }

    func hash(into hasher: inout Hasher) {
        box.fields.hash(into: &hasher)
    }
}
