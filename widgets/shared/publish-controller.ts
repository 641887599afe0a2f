/**
 * A form's submit through the provider, as `<panda-festival-form>` and `<panda-resource-form>`
 * do it: check the values (and focus the first invalid field), ask the extension to sign and
 * publish, and keep the form busy and its message line (waiting, done, or why not) meanwhile.
 * A declined or failed approval changes nothing in the form: the person may simply submit
 * again. Where the provider comes from is the host's business (`publisher`): a festival-bound
 * form signs through its source (SourceController.publisher), others through the page's
 * extension (ProviderController.publisher).
 */
import type { ReactiveControllerHost } from 'lit';
import { errorMessage, type Lang } from '../lib/i18n.js';
import type { PandaProvider } from '../lib/source.js';
import { errorCode } from '../lib/sources.js';

export interface FormMessage {
  text: string;
  alert: boolean;
}

/** What the provider answered to `panda_publish`. */
export interface Published {
  documentId: string;
  operationId: string | undefined;
}

export interface PublishHost extends Pick<ReactiveControllerHost, 'requestUpdate' | 'updateComplete'> {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface PublishOptions<F> {
  /** Validates the form's values and shows their errors; the fields to publish, or undefined when some are invalid. */
  check: () => F | undefined;
  /** The `panda_publish` parameters for the checked fields. */
  params: (fields: F) => unknown;
  lang: Lang;
  /** The message while the extension asks the person. */
  waiting: string;
  /** The message once it is published. */
  done: string;
}

/** Focuses the first control marked invalid in `host` (after the update that marked it). */
async function focusFirstInvalid(host: { updateComplete: Promise<unknown>; renderRoot: HTMLElement | DocumentFragment }): Promise<void> {
  await host.updateComplete;
  host.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/**
 * Asks the provider to sign and publish `params`. Resolves with the new document's ids, or
 * with the message to show when the person declined (4001) or it failed.
 */
async function publishThrough(provider: PandaProvider, params: unknown, lang: Lang): Promise<Published | { failed: FormMessage }> {
  try {
    const result = (await provider.request({ method: 'panda_publish', params })) as { documentId?: unknown; operationId?: unknown } | null;
    const documentId = typeof result?.documentId === 'string' ? result.documentId : '';
    return { documentId, operationId: typeof result?.operationId === 'string' ? result.operationId : undefined };
  } catch (error) {
    // The person declining in the extension is a choice, not a failure.
    return { failed: { text: errorMessage(lang, error), alert: errorCode(error) !== 4001 } };
  }
}

/** Renders its host again whenever `busy` or `message` change; it needs no lifecycle of its own. */
export class PublishController {
  /** While the extension is asked: the form's fields are disabled. */
  busy = false;
  /** The form's message line. */
  message: FormMessage | undefined;

  constructor(
    private readonly host: PublishHost,
    /** The provider that signs for this form now; undefined while the form cannot publish. */
    private readonly publisher: () => PandaProvider | undefined,
  ) {}

  /** Whether the form can publish (there is a provider, and this site may sign through it). */
  get writable(): boolean {
    return this.publisher() !== undefined;
  }

  /**
   * The submit: unless the form cannot publish or is busy, checks the values, asks the
   * provider and shows how it went. Resolves with what was published, or undefined when
   * nothing was.
   */
  async publish<F>(options: PublishOptions<F>): Promise<Published | undefined> {
    const provider = this.publisher();
    if (!provider || this.busy) return undefined;
    const fields = options.check();
    this.#show(undefined);
    if (fields === undefined) {
      await focusFirstInvalid(this.host);
      return undefined;
    }
    const params = options.params(fields);
    this.busy = true;
    this.#show({ text: options.waiting, alert: false });
    const result = await publishThrough(provider, params, options.lang);
    this.busy = false;
    if ('failed' in result) {
      this.#show(result.failed);
      return undefined;
    }
    this.#show({ text: options.done, alert: false });
    return result;
  }

  #show(message: FormMessage | undefined): void {
    this.message = message;
    this.host.requestUpdate();
  }
}
