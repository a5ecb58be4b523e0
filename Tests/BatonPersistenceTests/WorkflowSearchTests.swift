import BatonModel
import BatonPersistence
import Testing

typealias Condition = WorkflowSearch.Condition
typealias Field = WorkflowSearch.Field
typealias SortKey = WorkflowSearch.SortKey

private func conditions(_ query: String) throws -> [Condition] {
    try WorkflowSearch.conditions(parsing: query)
}

private func condition(_ field: Field, _ comparison: WorkflowSearch.Comparison) -> Condition {
    Condition(field: field, comparison: comparison)
}

/// Parses `query` expecting failure and returns the error's message ("" when it did not fail).
private func errorMessage(forQuery query: String) -> String {
    do {
        _ = try WorkflowSearch.conditions(parsing: query)
        return ""
    } catch {
        return error.message
    }
}

private func errorMessage(sort: [String] = [], start: Int? = nil, size: Int? = nil) -> String {
    do {
        _ = try WorkflowSearch(query: nil, freeText: nil, sort: sort, start: start, size: size)
        return ""
    } catch {
        return error.message
    }
}

@Suite("Workflow search defaults and paging")
struct WorkflowSearchDefaultsTests {
    @Test func absentParametersGiveDefaults() throws {
        let search = try WorkflowSearch(query: nil, freeText: nil, sort: [], start: nil, size: nil)
        #expect(search.conditions.isEmpty)
        #expect(search.freeText == nil)
        #expect(search.sort.isEmpty)
        #expect(search.start == 0)
        #expect(search.size == 100)
        #expect(search == WorkflowSearch())
    }

    @Test(arguments: ["", "   ", "*", " * ", "\n"])
    func blankOrStarQueryHasNoConditions(query: String) throws {
        #expect(try conditions(query).isEmpty)
    }

    @Test(arguments: [
        (nil, nil), ("", nil), ("   ", nil), ("*", nil), (" * ", nil),
        ("payment", "payment"), ("  order 42 ", "order 42"), ("status:FAILED", "status:FAILED"),
    ] as [(String?, String?)])
    func freeTextStarOrEmptyBecomesNil(freeText: String?, expected: String?) throws {
        let search = try WorkflowSearch(query: nil, freeText: freeText, sort: [], start: nil, size: nil)
        #expect(search.freeText == expected)
    }

    @Test(arguments: [(0, 0), (0, 5000), (250, 1), (7, 100)])
    func acceptsStartAndSizeInRange(start: Int, size: Int) throws {
        let search = try WorkflowSearch(query: nil, freeText: nil, sort: [], start: start, size: size)
        #expect(search.start == start)
        #expect(search.size == size)
    }

    @Test(arguments: [
        (nil, 5001, "size"), (nil, -1, "size"), (nil, Int.max, "5000"), (-1, nil, "start"), (-20, 10, "-20"),
    ] as [(Int?, Int?, String)])
    func rejectsStartAndSizeOutOfRange(start: Int?, size: Int?, expectedFragment: String) {
        let message = errorMessage(start: start, size: size)
        #expect(message.contains(expectedFragment), "\(message)")
    }

    @Test func topLevelOnlyAddsEmptyParentCondition() throws {
        let search = try WorkflowSearch(
            query: "status=RUNNING", freeText: nil, sort: [], start: nil, size: nil, topLevelOnly: true)
        #expect(search.conditions == [
            condition(.status, .equals("RUNNING")),
            condition(.parentWorkflowId, .equals("")),
        ])
    }

    @Test func queryErrorsSurfaceFromTheInitialiser() {
        #expect(throws: SearchError.self) {
            try WorkflowSearch(query: "nope=1", freeText: nil, sort: [], start: nil, size: nil)
        }
    }
}

@Suite("Workflow search query parsing")
struct WorkflowSearchQueryTests {
    @Test(arguments: [
        ("workflowId=abc", condition(.workflowId, .equals("abc"))),
        ("workflowId != abc", condition(.workflowId, .notEquals("abc"))),
        ("workflowId<>abc", condition(.workflowId, .notEquals("abc"))),
        ("workflowId!=ab*", condition(.workflowId, .notEquals("ab*"))),
        ("startTime>1700000000000", condition(.startTime, .greaterThan("1700000000000"))),
        ("startTime < 1700000000000", condition(.startTime, .lessThan("1700000000000"))),
        ("workflowType IN (a,b,c)", condition(.workflowType, .oneOf(["a", "b", "c"]))),
        ("workflowType IN (only)", condition(.workflowType, .oneOf(["only"]))),
        ("workflowType IN (a*,b)", condition(.workflowType, .oneOf(["a*", "b"]))),
        ("workflowType=order*", condition(.workflowType, .like("order*"))),
        ("reasonForIncompletion='*timed out*'", condition(.reasonForIncompletion, .like("*timed out*"))),
        ("correlationId IS NULL", condition(.correlationId, .isNull)),
        ("correlationId is not null", condition(.correlationId, .isNotNull)),
        ("endTime BETWEEN 1 AND 2", condition(.endTime, .between(lower: "1", upper: "2"))),
        ("workflowType between a and m", condition(.workflowType, .between(lower: "a", upper: "m"))),
        ("workflowType STARTS_WITH ord", condition(.workflowType, .startsWith("ord"))),
        ("workflowType starts_with 'my wf'", condition(.workflowType, .startsWith("my wf"))),
        ("parentWorkflowId=\"\"", condition(.parentWorkflowId, .equals(""))),
        ("parentWorkflowId=''", condition(.parentWorkflowId, .equals(""))),
        ("version=2", condition(.version, .equals("2"))),
        ("priority>5", condition(.priority, .greaterThan("5"))),
        ("version BETWEEN 1 AND 3", condition(.version, .between(lower: "1", upper: "3"))),
        ("idempotencyKey IN (k1)", condition(.idempotencyKey, .oneOf(["k1"]))),
        ("modifiedTime>5", condition(.updateTime, .greaterThan("5"))),
        ("updateTime<5", condition(.updateTime, .lessThan("5"))),
        ("WORKFLOWTYPE=x", condition(.workflowType, .equals("x"))),
        ("status=paused", condition(.status, .equals("PAUSED"))),
        ("status != Timed_Out", condition(.status, .notEquals("TIMED_OUT"))),
        ("status in (running, Failed)", condition(.status, .oneOf(["RUNNING", "FAILED"]))),
        ("status IS NOT NULL", condition(.status, .isNotNull)),
    ] as [(String, Condition)])
    func parsesEachOperator(query: String, expected: Condition) throws {
        #expect(try conditions(query) == [expected])
    }

    @Test(arguments: [
        ("workflowId='x'", condition(.workflowId, .equals("x"))),
        ("workflowId=\"x\"", condition(.workflowId, .equals("x"))),
        ("correlationId='a b, AND c'", condition(.correlationId, .equals("a b, AND c"))),
        ("correlationId=\"x OR y\"", condition(.correlationId, .equals("x OR y"))),
        ("reasonForIncompletion='(nested) text'", condition(.reasonForIncompletion, .equals("(nested) text"))),
        ("reasonForIncompletion='it\\'s'", condition(.reasonForIncompletion, .equals("it's"))),
        ("reasonForIncompletion=\"say \\\"hi\\\"\"", condition(.reasonForIncompletion, .equals("say \"hi\""))),
        ("reasonForIncompletion='back\\\\slash'", condition(.reasonForIncompletion, .equals("back\\slash"))),
        ("reasonForIncompletion=\"it's\"", condition(.reasonForIncompletion, .equals("it's"))),
        ("workflowType = 'OR'", condition(.workflowType, .equals("OR"))),
        ("workflowType=AND", condition(.workflowType, .equals("AND"))),
        ("workflowType IN ('a b', \"c,d\", e)", condition(.workflowType, .oneOf(["a b", "c,d", "e"]))),
        ("workflowType BETWEEN 'a AND b' AND \"c\"", condition(.workflowType, .between(lower: "a AND b", upper: "c"))),
        ("startTime>'1700000000000'", condition(.startTime, .greaterThan("1700000000000"))),
        ("status='running'", condition(.status, .equals("RUNNING"))),
    ] as [(String, Condition)])
    func parsesQuotedValues(query: String, expected: Condition) throws {
        #expect(try conditions(query) == [expected])
    }

    @Test(arguments: [
        "startTime>1700000000000 AND status=RUNNING",
        "startTime > 1700000000000 AND status = RUNNING",
        "startTime >1700000000000 and status= RUNNING",
        "  startTime>  1700000000000   And   status  =RUNNING  ",
        "startTime>1700000000000\tAND\nstatus=RUNNING",
        "startTime>'1700000000000' AND status='RUNNING'",
    ])
    func whitespaceAroundOperatorsIsOptional(query: String) throws {
        #expect(try conditions(query) == [
            condition(.startTime, .greaterThan("1700000000000")),
            condition(.status, .equals("RUNNING")),
        ])
    }

    @Test(arguments: [
        "workflowType IN (a,b)", "workflowType IN(a,b)", "workflowType in ( a , b )", "workflowType IN (a ,b )",
        "workflowType IN ('a', \"b\")",
    ])
    func inListSpacingIsOptional(query: String) throws {
        #expect(try conditions(query) == [condition(.workflowType, .oneOf(["a", "b"]))])
    }

    @Test func parsesTheUIDefaultQuery() throws {
        let query =
            "workflowType IN (a,b) AND status IN (RUNNING,FAILED) AND startTime>1700000000000 AND startTime<1800000000000"
        #expect(try conditions(query) == [
            condition(.workflowType, .oneOf(["a", "b"])),
            condition(.status, .oneOf(["RUNNING", "FAILED"])),
            condition(.startTime, .greaterThan("1700000000000")),
            condition(.startTime, .lessThan("1800000000000")),
        ])
    }

    @Test(arguments: [
        ("workflowId='x'", [condition(.workflowId, .equals("x"))]),
        ("correlationId IN (c1,c2)", [condition(.correlationId, .oneOf(["c1", "c2"]))]),
        ("parentWorkflowId=\"\"", [condition(.parentWorkflowId, .equals(""))]),
        ("idempotencyKey IN (key-1,key-2)", [condition(.idempotencyKey, .oneOf(["key-1", "key-2"]))]),
        (
            "endTime>1700000000000 AND endTime<1700000001000 AND modifiedTime>1700000000500",
            [
                condition(.endTime, .greaterThan("1700000000000")),
                condition(.endTime, .lessThan("1700000001000")),
                condition(.updateTime, .greaterThan("1700000000500")),
            ]
        ),
        (
            "workflowType IN (checkout) AND parentWorkflowId=\"\" AND workflowId='3f2b-11'",
            [
                condition(.workflowType, .oneOf(["checkout"])),
                condition(.parentWorkflowId, .equals("")),
                condition(.workflowId, .equals("3f2b-11")),
            ]
        ),
    ] as [(String, [Condition])])
    func parsesOtherUIQueries(query: String, expected: [Condition]) throws {
        #expect(try conditions(query) == expected)
    }

    @Test(arguments: WorkflowStatus.allCases)
    func acceptsEveryWorkflowStatusInAnyCase(status: WorkflowStatus) throws {
        #expect(try conditions("status=\(status.rawValue.lowercased())") == [
            condition(.status, .equals(status.rawValue))
        ])
    }
}

@Suite("Workflow search timestamps")
struct WorkflowSearchTimestampTests {
    @Test(arguments: [
        ("1700000000000", 1_700_000_000_000),
        ("0", 0),
        ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T22:13:20.123Z", 1_700_000_000_123),
        ("2023-11-14T22:13:20.5Z", 1_700_000_000_500),
        ("2023-11-14T22:13:20.123456789Z", 1_700_000_000_123),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000_000),
        ("2023-11-14T23:13:20+0100", 1_700_000_000_000),
        ("2023-11-14T17:13:20-05:00", 1_700_000_000_000),
        ("2023-11-14T22:13:20", 1_700_000_000_000),
        ("2023-11-14t22:13:20z", 1_700_000_000_000),
        ("2023-11-14", 1_699_920_000_000),
        ("2024-02-29T00:00:00Z", 1_709_164_800_000),
        ("2000-03-01T12:30:45Z", 951_913_845_000),
        ("1969-12-31T23:59:59Z", -1_000),
    ] as [(String, Int64)])
    func normalisesTimesToEpochMillis(value: String, millis: Int64) throws {
        #expect(try conditions("startTime>\(value)") == [condition(.startTime, .greaterThan(String(millis)))])
    }

    @Test func convertsQuotedDateTimeWithSpaceSeparator() throws {
        #expect(try conditions("endTime<'2023-11-14 22:13:20Z'") == [
            condition(.endTime, .lessThan("1700000000000"))
        ])
    }

    @Test func convertsEveryValueOfInAndBetween() throws {
        #expect(try conditions("updateTime IN (2023-11-14T22:13:20Z, 5)") == [
            condition(.updateTime, .oneOf(["1700000000000", "5"]))
        ])
        #expect(try conditions("startTime BETWEEN 2023-11-14 AND 2023-11-14T22:13:20Z") == [
            condition(.startTime, .between(lower: "1699920000000", upper: "1700000000000"))
        ])
    }

    @Test(arguments: [
        "yesterday", "1700000000000.5", "1.7e12", "2023-13-01T00:00:00Z", "2023-02-29", "2023-11-31",
        "2023-11-14T24:00:00Z", "2023-11-14T22:60:00Z", "2023-11-14T22:13:20+25:00", "2023-11-14T22:13Z",
        "2023-11-14T22:13:20Zjunk", "99999999999999999999", "17000*",
    ])
    func rejectsMalformedTimes(value: String) {
        let message = errorMessage(forQuery: "startTime>'\(value)'")
        #expect(message.contains("Invalid startTime '\(value)'"), "\(message)")
    }
}

@Suite("Workflow search query errors")
struct WorkflowSearchErrorTests {
    @Test(arguments: [
        ("foo=bar", ["Unknown search field 'foo'", "workflowId", "modifiedTime"]),
        ("taskId=t1", ["Unknown search field 'taskId'"]),
        ("workflowId=a AND colour=red", ["'colour'"]),
        ("status=RUNNIN", ["Invalid status 'RUNNIN'", "RUNNING", "TIMED_OUT"]),
        ("status IN (RUNNING, BOGUS)", ["Invalid status 'BOGUS'"]),
        ("status=RUN*", ["Invalid status 'RUN*'"]),
        ("status>RUNNING", ["cannot be used with status"]),
        ("status BETWEEN COMPLETED AND RUNNING", ["BETWEEN cannot be used with status"]),
        ("status STARTS_WITH RUN", ["STARTS_WITH applies only to text fields"]),
        ("startTime STARTS_WITH 17", ["STARTS_WITH applies only to text fields, not 'startTime'"]),
        ("version=latest", ["Invalid version 'latest'", "whole number"]),
        ("priority IN (1, high)", ["Invalid priority 'high'"]),
        ("workflowId=a AND", ["Expected a condition after the final AND"]),
        ("workflowId=", ["Expected a value after 'workflowId ='"]),
        ("workflowId=)", ["Expected a value after 'workflowId =' but found ')'"]),
        ("workflowId", ["Expected an operator after 'workflowId'"]),
        ("workflowId LIKE x", ["Expected an operator", "found 'LIKE'"]),
        ("workflowId='abc", ["Unterminated quoted value"]),
        ("workflowId IN a,b", ["Expected '(' after 'workflowId IN'"]),
        ("workflowId IN ()", ["at least one value"]),
        ("workflowId IN (a b)", ["Expected ',' or ')'", "found 'b'"]),
        ("workflowId IN (a,b", ["Missing ')'"]),
        ("workflowId IN (a,)", ["Expected a value", "found ')'"]),
        ("workflowId IS EMPTY", ["Expected NULL after 'workflowId IS'"]),
        ("workflowId IS NOT", ["Expected NULL after 'workflowId IS NOT'"]),
        ("workflowId BETWEEN a b", ["Expected AND after 'workflowId BETWEEN a'"]),
        ("startTime>=5", ["'>=' is not supported"]),
        ("startTime<=5", ["'<=' is not supported"]),
        ("workflowId ! a", ["Unexpected '!'"]),
        ("workflowId=a b", ["Expected AND between conditions but found 'b'"]),
        ("reasonForIncompletion=*timed out*", ["Expected AND between conditions but found 'out*'"]),
        ("workflowId=a status=RUNNING", ["Expected AND between conditions but found 'status'"]),
        ("= x", ["Expected a field name but found '='"]),
        ("'workflowId'=x", ["Expected a field name"]),
        ("AND workflowId=x", ["Unknown search field 'AND'"]),
    ] as [(String, [String])])
    func rejectsMalformedQueries(query: String, fragments: [String]) {
        let message = errorMessage(forQuery: query)
        #expect(!message.isEmpty, "expected \(query) to be rejected")
        for fragment in fragments {
            #expect(message.contains(fragment), "\(message)")
        }
    }

    @Test(arguments: [
        "workflowId=a OR workflowId=b",
        "workflowId=a or workflowId=b",
        "workflowId IN (a,b) OR status=RUNNING",
        "(workflowId=a)",
        "workflowId=a AND (status=RUNNING OR status=FAILED)",
        "workflowId=a)",
        "OR workflowId=a",
    ])
    func rejectsOrAndParentheses(query: String) {
        #expect(errorMessage(forQuery: query) == "OR and parentheses are not supported; join conditions with AND")
    }

    @Test func unknownFieldErrorListsEveryValidField() {
        let message = errorMessage(forQuery: "nonsense=1")
        for field in Field.allCases {
            #expect(message.contains(field.rawValue), "\(message) lacks \(field.rawValue)")
        }
    }
}

@Suite("Workflow search sorting")
struct WorkflowSearchSortTests {
    @Test(arguments: [
        ([], []),
        (["startTime"], [SortKey(field: .startTime, ascending: true)]),
        (["startTime:ASC"], [SortKey(field: .startTime, ascending: true)]),
        (["startTime:DESC"], [SortKey(field: .startTime, ascending: false)]),
        (["startTime:desc"], [SortKey(field: .startTime, ascending: false)]),
        ([" startTime : Desc "], [SortKey(field: .startTime, ascending: false)]),
        (["modifiedTime:DESC"], [SortKey(field: .updateTime, ascending: false)]),
        (
            ["startTime:DESC|workflowId:ASC"],
            [SortKey(field: .startTime, ascending: false), SortKey(field: .workflowId, ascending: true)]
        ),
        (
            ["startTime:DESC", "workflowType"],
            [SortKey(field: .startTime, ascending: false), SortKey(field: .workflowType, ascending: true)]
        ),
        (
            ["status|priority:DESC", "endTime:ASC"],
            [
                SortKey(field: .status, ascending: true), SortKey(field: .priority, ascending: false),
                SortKey(field: .endTime, ascending: true),
            ]
        ),
        (["", "|", " "], []),
    ] as [([String], [SortKey])])
    func parsesSortSpecifications(sort: [String], expected: [SortKey]) throws {
        #expect(try WorkflowSearch.sortKeys(parsing: sort) == expected)
        let search = try WorkflowSearch(query: nil, freeText: nil, sort: sort, start: nil, size: nil)
        #expect(search.sort == expected)
    }

    @Test(arguments: [
        (["foo:ASC"], "Unknown sort field 'foo'"),
        (["startTime:UP"], "Invalid sort direction 'UP'"),
        (["startTime:ASC:DESC"], "Invalid sort 'startTime:ASC:DESC'"),
        (["startTime:ASC|DESC"], "Unknown sort field 'DESC'"),
        (["startTime", "taskType:DESC"], "Unknown sort field 'taskType'"),
        ([":DESC"], "Unknown sort field ''"),
    ] as [([String], String)])
    func rejectsBadSortSpecifications(sort: [String], fragment: String) {
        let message = errorMessage(sort: sort)
        #expect(message.contains(fragment), "\(message)")
    }
}

@Suite("Workflow search fields")
struct WorkflowSearchFieldTests {
    @Test(arguments: [
        ("workflowId", Field.workflowId), ("WORKFLOWID", .workflowId), ("modifiedTime", .updateTime),
        ("ModifiedTime", .updateTime), ("updateTime", .updateTime), ("reasonForIncompletion", .reasonForIncompletion),
    ] as [(String, Field)])
    func looksUpFieldsByNameOrAlias(name: String, field: Field) {
        #expect(Field(name: name) == field)
    }

    @Test(arguments: ["", "modified", "task_id", "workflow_id"])
    func unknownNamesHaveNoField(name: String) {
        #expect(Field(name: name) == nil)
    }

    @Test func valueKindsMatchTheModel() {
        #expect(Field.status.valueKind == .status)
        #expect([Field.startTime, .endTime, .updateTime].allSatisfy { $0.valueKind == .timestamp })
        #expect([Field.version, .priority].allSatisfy { $0.valueKind == .integer })
        let text: [Field] = [
            .workflowId, .correlationId, .workflowType, .parentWorkflowId, .idempotencyKey, .reasonForIncompletion,
        ]
        #expect(text.allSatisfy { $0.valueKind == .text })
    }
}
