/** `use:focusOnMount`: focuses the element when it appears (instead of the autofocus attribute). */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
