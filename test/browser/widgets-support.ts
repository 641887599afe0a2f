/**
 * Shared fixtures of the widget tests (not a test file): a festival in the festival model's
 * JSON shape (as the provider's `panda_query` answers), fake sources and a fake provider,
 * mounting and waiting helpers, and axe-core.
 */
import 'axe-core';
import type { AxeResults } from 'axe-core';
import { expect } from 'chai';
import { fromProviderQueries, type ScheduleData } from '../../widgets/lib/schedule-data.js';
import type { PandaProvider, WidgetSource } from '../../widgets/lib/source.js';
import { localTimeZone } from '../../widgets/lib/time.js';
import '../../widgets/index.js';
// The details' chunk, as a page has it soon after a schedule is drawn (panda-schedule fetches
// it then): a test that opens an event at once finds it loaded, as a visitor would.
import '../../widgets/schedule/event-details.js';

/** A zone that is not the browser's, so that "my time" differs from festival time. No DST in either. */
export const FESTIVAL_ZONE = localTimeZone() === 'Asia/Tokyo' ? 'America/Bogota' : 'Asia/Tokyo';
const OFFSET = FESTIVAL_ZONE === 'Asia/Tokyo' ? '+09:00' : '-05:00';

/** Unix seconds of a wall time in the festival's zone. */
export const at = (wall: string) => Date.parse(`${wall}:00${OFFSET}`) / 1000;
/** Epoch ms of a wall time in the festival's zone. */
export const atMs = (wall: string) => at(wall) * 1000;

export const FESTIVAL_ID = '0020' + 'aa'.repeat(32);
export const OWNER = 'ab12cd34' + '5'.repeat(52) + 'ef56';

export const festival = {
  id: FESTIVAL_ID,
  owner: OWNER,
  name: 'Hoffnung 3000',
  description: 'A festival',
  start: at('2026-07-03T00:00'),
  end: at('2026-07-06T00:00'),
  timezone: FESTIVAL_ZONE,
};

const resource = (id: string, title: string, kind: string, extra: Record<string, unknown> = {}) => ({
  id,
  owner: OWNER,
  festival: FESTIVAL_ID,
  title,
  description: '',
  kind,
  location: {},
  capacity: 1,
  policy: 'manual',
  quorum: 0,
  members: [],
  dependsOn: [],
  ...extra,
});

export const KELLER = resource('r-keller', 'Klangkeller', 'location', {
  location: { address: 'Hauptstraße 1', position: { latitude: 52.5, longitude: 13.4 }, url: 'https://keller.example' },
  capacity: 2,
  description: 'A cellar',
});
export const ZELT = resource('r-zelt', 'Zelt', 'location');
export const BEAMER = resource('r-beamer', 'Beamer', 'equipment');
const CABLE = resource('r-cable', 'Cable', 'equipment');
const DESK = resource('r-desk', 'Desk', 'equipment');
/** Registered, but no event requests it (yet). */
export const BUS = resource('r-bus', 'Lastenrad', 'thing');
/** Every resource of the festival, as the `resources` query lists them (by title). */
export const allResources = () => [BEAMER, CABLE, DESK, KELLER, BUS, ZELT];

export const MEMBER_A = 'a1'.repeat(32);
export const MEMBER_B = 'b2'.repeat(32);
/** The people with profiles, as the `profiles` query lists them. */
export const people = () => [
  { publicKey: MEMBER_A, name: 'Ada' },
  { publicKey: MEMBER_B, name: 'Bruno' },
  { publicKey: OWNER, name: 'Klangkeller e.V.' },
];

type Requested = [ReturnType<typeof resource>, string];

function item(id: string, title: string, start: string, minutes: number, requests: Requested[], description = '') {
  const from = at(start);
  const confirmed = requests.filter(([, state]) => state === 'confirmed').length;
  return {
    event: {
      id,
      owner: OWNER,
      title,
      description,
      start: from,
      end: from + minutes * 60,
      festival: FESTIVAL_ID,
      resources: requests.map(([r]) => r.id),
      createdAt: 1,
    },
    festival,
    resources: requests.map(([r, state]) => ({ resource: r, status: { event: id, resource: r.id, state, votes: [] } })),
    locations: requests.filter(([r]) => r.kind === 'location').map(([r]) => r),
    confirmed,
    requested: requests.length,
    confirmation: requests.length === 0 ? 1 : confirmed / requests.length,
  };
}

export const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>';

/** Six events over three days; the first two overlap at the Klangkeller. */
export function scheduleItems() {
  return [
    item('e-opening', 'Opening', '2026-07-03T10:00', 60, [[KELLER, 'confirmed']], 'Welcome!\nSecond line'),
    item('e-workshop', 'Workshop: Löten', '2026-07-03T10:30', 90, [
      [KELLER, 'confirmed'],
      [BEAMER, 'pending'],
    ]),
    item('e-concert', 'Concert', '2026-07-03T20:00', 120, [[ZELT, 'pending']]),
    item('e-breakfast', 'Breakfast', '2026-07-04T09:00', 60, [[ZELT, 'confirmed']]),
    item('e-hostile', HOSTILE_TITLE, '2026-07-04T12:00', 60, [[KELLER, 'confirmed']], '<a href="javascript:alert(1)">click</a>'),
    item('e-closing', 'Closing', '2026-07-05T18:00', 60, [
      [ZELT, 'confirmed'],
      [BEAMER, 'confirmed'],
      [CABLE, 'confirmed'],
      [DESK, 'denied'],
    ]),
  ];
}

export const festivalResult = () => ({ festival, tree: [festival] });

/** The `bookings` and `freeSlots` answers for the Klangkeller. */
export function kellerBookings() {
  const [opening, workshop, , , hostile] = scheduleItems();
  return [
    { event: opening!.event, status: { event: opening!.event.id, resource: KELLER.id, state: 'confirmed', votes: [] } },
    { event: workshop!.event, status: { event: workshop!.event.id, resource: KELLER.id, state: 'conflict', reason: 'no capacity', votes: [] } },
    { event: hostile!.event, status: { event: hostile!.event.id, resource: KELLER.id, state: 'pending', votes: [] } },
  ];
}
export const kellerSlots = () => [
  { start: at('2026-07-03T00:00'), end: at('2026-07-03T10:00'), available: 2 },
  { start: at('2026-07-03T11:00'), end: at('2026-07-06T00:00'), available: 1 },
];

export function scheduleData(): ScheduleData {
  return fromProviderQueries(festivalResult(), scheduleItems());
}

/** A WidgetSource over fixed data, recording queries. */
export class FakeSource implements WidgetSource {
  readonly listeners = new Set<() => void>();
  readonly queries: Array<Record<string, unknown>> = [];
  answers: Record<string, unknown> = {};
  closed = false;

  constructor(
    public data: ScheduleData,
    readonly kind: WidgetSource['kind'] = 'extension',
    readonly writable = true,
  ) {}

  schedule(): Promise<ScheduleData> {
    return Promise.resolve(this.data);
  }
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  query(params: Record<string, unknown>): Promise<unknown> {
    this.queries.push(params);
    const answer = this.answers[String(params.query)];
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  }
  close(): void {
    this.closed = true;
  }
  change(data: ScheduleData): void {
    this.data = data;
    for (const listener of this.listeners) listener();
  }
}

export const rpcError = (code: number, message = `error ${code}`) => Object.assign(new Error(message), { code });

/** A provider that records requests and answers them with `handlers` (unknown methods: 4200). */
export class FakeProvider implements PandaProvider {
  readonly calls: Array<{ method: string; params: unknown }> = [];
  readonly listeners = new Map<string, Set<(data: unknown) => void>>();
  handlers: Record<string, (params: unknown) => unknown> = {};

  async request({ method, params }: { method: string; params?: unknown }): Promise<unknown> {
    this.calls.push({ method, params });
    const handler = this.handlers[method];
    if (!handler) throw rpcError(4200, `no ${method}`);
    return handler(params);
  }
  on(event: string, listener: (data: unknown) => void): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(listener);
  }
  removeListener(event: string, listener: (data: unknown) => void): void {
    this.listeners.get(event)?.delete(listener);
  }
  emit(event: string, data: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(data);
  }
  count(event: string): number {
    return this.listeners.get(event)?.size ?? 0;
  }
  methods(): string[] {
    return this.calls.map((call) => call.method);
  }
}

/** A provider like the extension's for FESTIVAL_ID: connected (or not), answering the festival queries. */
export function festivalProvider(connected = true): FakeProvider & { connected: boolean } {
  const provider = Object.assign(new FakeProvider(), { connected });
  const needsConnection = () => {
    if (!provider.connected) throw rpcError(4100, 'This site is not connected; call panda_connect first');
  };
  provider.handlers = {
    panda_getPublicKey: () => (needsConnection(), OWNER),
    panda_festivals: () => (needsConnection(), [FESTIVAL_ID]),
    panda_connect: () => {
      provider.connected = true;
      provider.emit('accountsChanged', [OWNER]);
      return { publicKey: OWNER };
    },
    panda_query: (params) => {
      needsConnection();
      const query = (params as { query: string }).query;
      if (query === 'festival') return festivalResult();
      if (query === 'schedule') return scheduleItems();
      if (query === 'resources') return allResources();
      if (query === 'profiles') return people();
      if (query === 'profile') return people().find((person) => person.publicKey === (params as { publicKey?: string }).publicKey) ?? null;
      const resourceId = (params as { resourceId?: string }).resourceId;
      if (resourceId !== KELLER.id) return query === 'resource' ? null : [];
      if (query === 'resource') return KELLER;
      if (query === 'bookings') return kellerBookings();
      if (query === 'freeSlots') return kellerSlots();
      return null;
    },
    panda_publish: () => (needsConnection(), { documentId: '0020' + 'dd'.repeat(32), operationId: '0020' + 'ee'.repeat(32) }),
  };
  return provider;
}

/** Announces `provider` as the extension does, until the returned function is called. */
export function announce(provider: PandaProvider): () => void {
  const answer = () =>
    window.dispatchEvent(
      new CustomEvent('panda:announceProvider', { detail: { info: { uuid: '1', name: 'Panda Kit', icon: '', rdns: 'org.pandakit.extension' }, provider } }),
    );
  window.addEventListener('panda:requestProvider', answer);
  return () => window.removeEventListener('panda:requestProvider', answer);
}

const mounted: HTMLElement[] = [];

/** Creates `tag` with `properties` set before it is connected, in a container of `width` px. */
export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]> & Record<string, unknown> = {},
  attributes: Record<string, string> = {},
  width = 1000,
): Promise<HTMLElementTagNameMap[K]> {
  const container = document.createElement('div');
  container.style.width = `${width}px`;
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  Object.assign(element, properties);
  container.append(element);
  document.body.append(container);
  mounted.push(container);
  await (element as unknown as { updateComplete: Promise<unknown> }).updateComplete;
  return element;
}

export function unmountAll(): void {
  for (const container of mounted.splice(0)) container.remove();
}

/** Waits until `check` returns something truthy (re-checking every 10 ms), else fails. */
export async function until<T>(check: () => T, what = 'condition', timeout = 3000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const shadow = (element: Element) => element.shadowRoot!;
export const $ = <E extends Element = HTMLElement>(element: Element, selector: string) => shadow(element).querySelector<E>(selector);
export const $$ = <E extends Element = HTMLElement>(element: Element, selector: string) => Array.from(shadow(element).querySelectorAll<E>(selector));
export const settle = async (element: Element) => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  await (element as unknown as { updateComplete: Promise<unknown> }).updateComplete;
};

/**
 * axe-core on the element and its shadow tree. `region` is left out: whether a page puts
 * its content in landmarks is the page's business, not a widget's.
 */
export async function expectAccessible(element: Element): Promise<void> {
  const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResults> } }).axe;
  const results = await axe.run(element, { rules: { region: { enabled: false } } });
  const summary = results.violations.map(
    (violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join('; ')})`,
  );
  expect(summary).to.deep.equal([]);
}

/** Captures downloads: the Blobs given to URL.createObjectURL and the anchors clicked. */
export function captureDownloads(): { files: Array<{ name: string; blob: Blob }>; restore: () => void } {
  const files: Array<{ name: string; blob: Blob }> = [];
  const blobs = new Map<string, Blob>();
  const create = URL.createObjectURL;
  const click = HTMLAnchorElement.prototype.click;
  let n = 0;
  URL.createObjectURL = (blob: Blob | MediaSource) => {
    const url = `blob:captured-${++n}`;
    blobs.set(url, blob as Blob);
    return url;
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    const blob = blobs.get(this.getAttribute('href') ?? '');
    if (blob) files.push({ name: this.download, blob });
  };
  return {
    files,
    restore: () => {
      URL.createObjectURL = create;
      HTMLAnchorElement.prototype.click = click;
    },
  };
}
