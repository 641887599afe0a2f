/**
 * The festivals `<panda-festival-form>` offers as parents (and finds the one being edited
 * among): those the extension holds, read through the provider, from answers that are
 * untrusted JSON.
 */
import type { PandaProvider } from '../lib/source.js';
import type { FestivalChoice } from './festival-logic.js';

/** How many festivals the parent list asks the extension about at most. */
const MAX_FESTIVALS = 200;

/** A festival the extension holds: a parent to choose, or the one being edited. */
export type KnownFestival = FestivalChoice & { description: string; url?: string; image?: string; parent?: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A festival of the `festival` query's answer, if it has the shape. */
function choiceOf(value: unknown): KnownFestival | undefined {
  if (
    !isObject(value) ||
    typeof value.id !== 'string' ||
    typeof value.name !== 'string' ||
    typeof value.start !== 'number' ||
    typeof value.end !== 'number' ||
    typeof value.timezone !== 'string'
  )
    return undefined;
  const choice = {
    id: value.id,
    name: value.name,
    start: value.start,
    end: value.end,
    timezone: value.timezone,
    description: typeof value.description === 'string' ? value.description : '',
  };
  const extra: { url?: string; image?: string; parent?: string } = {};
  for (const key of ['url', 'image', 'parent'] as const) if (typeof value[key] === 'string') extra[key] = value[key];
  return { ...choice, ...extra };
}

/** The festivals `provider` holds (`panda_festivals`) and `editing`, if given, sorted by name. */
export async function knownFestivals(provider: PandaProvider, editing: string | undefined): Promise<KnownFestival[]> {
  // A provider without panda_festivals (an adapter that knows only queries) still loads the festival being edited.
  const ids = await provider.request({ method: 'panda_festivals' }).catch(() => []);
  const wanted = [
    ...new Set([
      ...(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string').slice(0, MAX_FESTIVALS) : []),
      ...(editing ? [editing] : []),
    ]),
  ];
  const answers = await Promise.all(
    wanted.map((festivalId) => provider.request({ method: 'panda_query', params: { query: 'festival', festivalId } }).catch(() => undefined)),
  );
  return answers.flatMap((answer) => choiceOf(isObject(answer) ? answer.festival : undefined) ?? []).sort((a, b) => a.name.localeCompare(b.name));
}
