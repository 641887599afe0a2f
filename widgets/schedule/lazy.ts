/**
 * The parts of `<panda-schedule>` that come in chunks of their own, loaded when a visitor
 * first needs them: the frab exporter, an event's details, and sharing favourites. Each
 * page's entry stays within its budget (test/build/widgets-size.test.ts); a part a visitor
 * never opens is never fetched.
 */

/** `load`, once for all callers; after a failure (offline, say) the next call tries again. */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** The details panel (./event-details.ts) and its styles. */
export const loadDetails = lazily(() => import('./event-details.js'));
