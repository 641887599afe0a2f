/** What the component tests of the extension's pages (popup, approval window, planner) share: finding things through shadow roots, filling forms, waiting. */

/** A promise with its resolve function, to hold a request open. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

export async function waitFor(condition: () => boolean, what: string, timeout = 2000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every element matching `selector` in `root` and the shadow roots below it (its own included). */
export function deepQueryAll<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  const found = Array.from(root.querySelectorAll<E>(selector));
  const shadowRoots = Array.from(root.querySelectorAll('*'), (element) => element.shadowRoot);
  if (root instanceof Element) shadowRoots.unshift(root.shadowRoot);
  for (const shadowRoot of shadowRoots) if (shadowRoot) found.push(...deepQueryAll<E>(shadowRoot, selector));
  return found;
}

export function deepQuery<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const [first] = deepQueryAll<E>(root, selector);
  if (!first) throw new Error(`nothing matches ${selector}`);
  return first;
}

/** The text a person sees, shadow roots included. */
export function deepText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent ?? '';
  const element = node as Element;
  const children = [...Array.from(element.shadowRoot?.childNodes ?? []), ...Array.from(node.childNodes)];
  return children.map(deepText).join(' ').replace(/\s+/g, ' ');
}

export const alerts = (root: ParentNode) => deepQueryAll(root, '[role="alert"]').map((alert) => alert.textContent?.trim());

export function fill(form: HTMLFormElement, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) (form.elements.namedItem(name) as HTMLInputElement).value = value;
}
