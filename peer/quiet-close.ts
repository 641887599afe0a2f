/**
 * Closes `target` and ignores what `close()` throws: sockets, connections and channels throw
 * when they are already closed or their connection died, and a teardown must go on anyway.
 */
export function closeQuietly(target: { close(): void } | undefined): void {
  try {
    target?.close();
  } catch {
    // already gone
  }
}
