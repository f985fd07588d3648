// A start-up failure the operator can fix: printed as one line naming the setting, never as a stack.

/** Thrown while starting; `message` is one line that names the setting to change. */
export class StartupError extends Error {}
