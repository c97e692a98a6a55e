// Node's default stack depth (10 frames) inside every test file. jest raises it to 100 and maps each frame
// through source maps when a stack is read; Pulumi's SDK reads one for every promise it makes
// (debuggablePromise), so a mocked stack render spent a sixth of its CPU formatting stacks nobody reads.
// A failing test still shows its top 10 frames, as `pulumi up` shows a program's errors.
Error.stackTraceLimit = 10;
