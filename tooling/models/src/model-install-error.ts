/** A failed install step: the message says which and what it printed. */
export class ModelInstallError extends Error {}
