/**
 * What `<panda-resource-form>` offers to choose from, read through its source: the
 * festival's resources (to depend on, and the one being edited) and the people with a
 * profile (who may be members of a quorum), from answers that are untrusted JSON.
 */
import { isPublicKey } from '../../core/festival/rules.js';
import { personName } from '../lib/schedule-data.js';
import type { WidgetSource } from '../lib/source.js';
import type { ResourceInput } from './resource-logic.js';

/** A resource of the festival, as the `resources` query lists it. */
export interface KnownResource extends ResourceInput {
  id: string;
}

/** Someone with a profile, as the `profiles` query lists them. */
export interface Person {
  publicKey: string;
  name: string;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value.slice(0, 5000) : []);

/** The festival's resources and the people known to `source` (none of either where a query fails). */
export async function resourceChoices(source: WidgetSource, festivalId: string): Promise<{ resources: KnownResource[]; people: Person[] }> {
  const [resources, people] = await Promise.all([
    source.query({ query: 'resources', festivalId }).catch(() => []),
    source.query({ query: 'profiles' }).catch(() => []),
  ]);
  return {
    resources: listOf(resources).filter(
      (item): item is KnownResource => isObject(item) && typeof item.id === 'string' && typeof item.title === 'string' && typeof item.kind === 'string',
    ),
    people: listOf(people).flatMap((item): Person[] => {
      const name = isObject(item) && typeof item.publicKey === 'string' && isPublicKey(item.publicKey) ? personName(item.name) : undefined;
      return name ? [{ publicKey: (item as Json).publicKey as string, name }] : [];
    }),
  };
}
