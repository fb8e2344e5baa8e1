/** Wraps `error` in an Error whose message starts with `context`, keeping the original as `cause`. */
export function withContext(context: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${context}: ${message}`, { cause: error });
}
