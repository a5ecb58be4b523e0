import BatonTesting
import Foundation
import Testing

/// The test harness's `posix_spawn` launcher: what a child is given, and what its end reports.
@Suite("Child processes")
struct ChildProcessTests {
    @Test("an exit code and the signal that ended a child are its termination status")
    func terminationStatus() async throws {
        let exited = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"])
        #expect(await exited.waitForExit(within: .seconds(10)))
        #expect(exited.terminationStatus == 3)

        let sleeping = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "sleep 30"])
        #expect(sleeping.isRunning)
        #expect(sleeping.terminationStatus == nil)
        sleeping.send(SIGTERM)
        #expect(await sleeping.waitForExit(within: .seconds(10)))
        #expect(sleeping.terminationStatus == SIGTERM)
    }

    @Test("an executable that does not exist is an error, not a child")
    func missingExecutable() {
        #expect(throws: TestHarnessError.self) {
            try ChildProcess(executable: "/nonexistent/baton", arguments: [])
        }
    }

    @Test("the child writes where it is told, has only its standard descriptors, and sees the environment given")
    func descriptorsAndEnvironment() async throws {
        let pipe = Pipe()
        let reader = PipeReader(pipe)
        // A descriptor this process holds open without close-on-exec, which the child must not inherit.
        let leaked = pipe.fileHandleForWriting.fileDescriptor
        let process = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "ls /proc/self/fd; echo \"$GREETING\""],
                                       environment: ["GREETING": "hello", "PATH": "/usr/bin:/bin"],
                                       output: leaked, error: leaked)
        PipeReader.childHasStarted(pipe)
        #expect(await process.waitForExit(within: .seconds(10)))
        #expect(process.terminationStatus == 0)
        #expect(reader.waitForEnd(within: .seconds(10)))
        let lines = reader.text.split(separator: "\n").map(String.init)
        #expect(lines.last == "hello")
        // `ls` lists 0, 1, 2 and the descriptor of the directory it reads; nothing of this process's.
        let descriptors = lines.dropLast().compactMap { Int($0) }
        #expect(descriptors.count <= 4, "\(descriptors)")
        #expect(Array(descriptors.prefix(3)) == [0, 1, 2])
    }
}
