/**
 * A PandaProvider (widgets/lib/source.ts) over the planner's client, so that the widgets'
 * forms and views work inside the planner as they do on a festival's site: `panda_query` and
 * `panda_publish` go to the planner's methods (signed as the person's own action),
 * `festivalChanged` fires on every change the background announces. The planner is always
 * "connected".
 */
import type { PandaProvider } from '../../../widgets/lib/source.js';
import type { PlannerClient } from '../../shared/planner-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../../shared/protocol.js';

export function plannerProvider(client: PlannerClient): PandaProvider {
  const subscriptions = new Map<(data: unknown) => void, () => void>();
  const publicKey = async () => {
    const { me } = await client.request('planner_state');
    if (!me) throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'Panda Kit is locked');
    return me.publicKey;
  };
  return {
    async request({ method, params }) {
      const value = (Array.isArray(params) ? params[0] : params) as Record<string, unknown> | undefined;
      switch (method) {
        case 'panda_connect':
          return { publicKey: await publicKey() };
        case 'panda_getPublicKey':
          return publicKey();
        case 'panda_query':
          return client.request('planner_query', value ?? {});
        case 'panda_publish':
          return client.request('planner_publish', value ?? {});
        case 'panda_festivals':
          return (await client.request('planner_state')).festivals.filter((festival) => festival.joined).map((festival) => festival.id);
        case 'panda_joinFestival':
          return client.request('planner_join', {
            festivalId: typeof value?.festivalId === 'string' ? value.festivalId : '',
            signaling: (value?.signaling as string[] | undefined) ?? [],
          });
        default:
          throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, `Method ${String(method).slice(0, 60)} is not supported`);
      }
    },
    on(event, listener) {
      if (event !== 'festivalChanged' || subscriptions.has(listener)) return;
      subscriptions.set(
        listener,
        client.onChanged(() => listener({})),
      );
    },
    removeListener(event, listener) {
      if (event !== 'festivalChanged') return;
      subscriptions.get(listener)?.();
      subscriptions.delete(listener);
    },
  };
}
