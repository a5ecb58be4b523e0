import BatonDecider
import BatonModel
import Testing

@Suite("JSONPath")
struct JSONPathTests {
    static let document: JSONValue = [
        "workflow": [
            "input": [
                "name": "ada",
                "count": 3,
                "ratio": 0.5,
                "flag": true,
                "nothing": nil,
                "list": [10, 20, 30],
                "nested": ["deep": ["deeper": "bottom"]],
                "a b": "spaced",
                "empty": [],
            ]
        ],
        "t1": [
            "output": [
                "items": [
                    ["id": "first", "tags": ["x", "y"]],
                    ["id": "second", "tags": ["z"]],
                    ["name": "no id"],
                ],
                "weird-key": "dash",
                "quote'key": "quoted",
            ]
        ],
    ]

    @Test(
        "definite paths return the value with its type",
        arguments: [
            ("workflow.input.name", "ada"),
            ("workflow.input.count", 3),
            ("workflow.input.ratio", 0.5),
            ("workflow.input.flag", true),
            ("workflow.input.nothing", nil),
            ("workflow.input.list", [10, 20, 30]),
            ("workflow.input.nested.deep.deeper", "bottom"),
            ("$.workflow.input.name", "ada"),
            ("$['workflow']['input']['name']", "ada"),
            ("workflow['input'][\"name\"]", "ada"),
            ("workflow.input['a b']", "spaced"),
            ("workflow.input.list[0]", 10),
            ("workflow.input.list[2]", 30),
            ("workflow.input.list[-1]", 30),
            ("workflow.input.list[-3]", 10),
            ("t1.output.items[1].id", "second"),
            ("t1.output.items[0].tags[1]", "y"),
            ("t1.output.weird-key", "dash"),
            ("t1.output['quote\\'key']", "quoted"),
            ("  workflow.input.name  ", "ada"),
        ] as [(String, JSONValue)]
    )
    func definitePath(path: String, expected: JSONValue) {
        #expect(JSONPath.evaluate(path, in: Self.document) == expected)
    }

    @Test(
        "missing or malformed paths return nil",
        arguments: [
            "workflow.input.missing",
            "workflow.input.name.deeper",
            "workflow.input.list[3]",
            "workflow.input.list[-4]",
            "workflow.input.name[0]",
            "workflow.input.list.first",
            "nobody.output",
            "workflow.input.list[",
            "workflow.input['unterminated",
            "workflow.input.list[x]",
            "workflow..",
            "$x",
            "workflow.input.count.length()",
            "workflow.input.list.unknown()",
            "workflow.input[?(@.a == 1)]",
        ]
    )
    func missingPath(path: String) {
        #expect(JSONPath.evaluate(path, in: Self.document) == nil)
    }

    @Test("the root itself is `$`")
    func root() {
        #expect(JSONPath.evaluate("$", in: ["a": 1]) == ["a": 1])
    }

    @Test(
        "wildcards, unions, slices and deep scans return arrays",
        arguments: [
            ("workflow.input.list[*]", [10, 20, 30]),
            ("workflow.input.list.*", [10, 20, 30]),
            ("t1.output.items[*].id", ["first", "second"]),
            ("t1.output.items[*].tags[0]", ["x", "z"]),
            ("t1.output.items[*].missing", []),
            ("workflow.input.nested.*", [["deeper": "bottom"]]),
            ("workflow.input.list[0,2]", [10, 30]),
            ("workflow.input.list[1:]", [20, 30]),
            ("workflow.input.list[:2]", [10, 20]),
            ("workflow.input.list[-2:]", [20, 30]),
            ("workflow.input.list[2:1]", []),
            ("t1..id", ["first", "second"]),
            ("$..deeper", ["bottom"]),
            ("workflow.input.empty[*]", []),
        ] as [(String, JSONValue)]
    )
    func indefinitePath(path: String, expected: JSONValue) {
        #expect(JSONPath.evaluate(path, in: Self.document) == expected)
    }

    @Test(
        "functions apply to the value or to the collected matches",
        arguments: [
            ("workflow.input.list.length()", 3),
            ("workflow.input.empty.length()", 0),
            ("workflow.input.name.length()", 3),
            ("workflow.input.nested.length()", 1),
            ("t1.output.items[*].id.length()", 2),
            ("workflow.input.list.sum()", 60),
            ("workflow.input.list.min()", 10),
            ("workflow.input.list.max()", 30),
            ("workflow.input.list.avg()", 20.0),
            ("workflow.input.list.first()", 10),
            ("workflow.input.list.last()", 30),
            ("workflow.input.nested.deep.keys()", ["deeper"]),
        ] as [(String, JSONValue)]
    )
    func function(path: String, expected: JSONValue) {
        #expect(JSONPath.evaluate(path, in: Self.document) == expected)
    }

    @Test("wildcard over an object yields its values in key order")
    func objectWildcardOrder() {
        let value: JSONValue = ["b": 2, "a": 1, "c": 3]
        #expect(JSONPath.evaluate("$.*", in: value) == [1, 2, 3])
        #expect(JSONPath.evaluate("$[*]", in: value) == [1, 2, 3])
    }

    @Test("a scalar root has no members")
    func scalarRoot() {
        #expect(JSONPath.evaluate("a", in: 5) == nil)
        #expect(JSONPath.evaluate("[0]", in: "text") == nil)
    }
}
