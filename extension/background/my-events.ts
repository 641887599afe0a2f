/**
 * The person's own events as the popup lists them: each with one line that says where it
 * stands ("Confirmed", "Waiting for Klangkeller", "Declined by Werkstatt", "2 of 3
 * resources confirmed") and, below it, each request's status in the planner's words, people
 * by their profile names. No browser APIs in here.
 */
import type { FestivalModel, RequestStatus } from '../../core/index.js';
import type { MyEventView } from '../shared/popup-protocol.js';
import { timeRange } from './describe.js';
import { statusWords } from './planner-views.js';

/** "Klangkeller", "Klangkeller and Werkstatt", "Klangkeller, Werkstatt, and Bühne". */
const listed = (items: readonly string[]) => new Intl.ListFormat('en', { type: 'conjunction' }).format(items);

interface Request {
  title: string;
  status: RequestStatus | undefined;
}

/** Where an event stands, in one line: a refusal first, then what still waits, then how much is confirmed. */
function headline(requests: readonly Request[]): Pick<MyEventView, 'state' | 'headline'> {
  if (requests.length === 0) return { state: 'confirmed', headline: 'No resources requested' };
  const titles = (state: RequestStatus['state']) => requests.filter((request) => request.status?.state === state).map((request) => request.title);
  const denied = titles('denied');
  if (denied.length > 0) return { state: 'declined', headline: `Declined by ${listed(denied)}` };
  const taken = titles('conflict');
  if (taken.length > 0) return { state: 'declined', headline: `${listed(taken)} ${taken.length === 1 ? 'is' : 'are'} taken at that time` };
  const confirmed = titles('confirmed').length;
  if (confirmed === requests.length) return { state: 'confirmed', headline: 'Confirmed' };
  const waiting = requests.filter((request) => request.status?.state !== 'confirmed').map((request) => request.title);
  const waitingWords = `Waiting for ${listed(waiting)}`;
  if (confirmed === 0) return { state: 'waiting', headline: waitingWords };
  return { state: 'waiting', headline: `${confirmed} of ${requests.length} resources confirmed · ${waitingWords}` };
}

/** The events `me` made, by start, with their statuses in words. */
export function myEventViews(model: FestivalModel, me: string, names: Record<string, string>): MyEventView[] {
  return [...model.events.values()]
    .filter((event) => event.owner === me)
    .sort((a, b) => a.start - b.start || a.title.localeCompare(b.title))
    .map((event) => {
      const festival = model.festivals.get(event.festival);
      const requests = event.resources.map((resourceId) => {
        const resource = model.resources.get(resourceId);
        const status = model.requestStatus(resourceId, event.id);
        return { title: resource?.title ?? 'an unknown resource', status, words: status ? statusWords(status, resource, names) : 'waiting' };
      });
      return {
        id: event.id,
        title: event.title,
        when: timeRange(event.start, event.end, festival?.timezone ?? 'UTC'),
        festivalName: festival?.name ?? null,
        ...headline(requests),
        requests: requests.map(({ title, words }) => ({ resourceTitle: title, words })),
      };
    });
}
