/**
 * The caller's event handler, then `preload`: what the dropzone hands react-dropzone for the
 * events that say a user is reaching for it (pointer enter, focus, drag enter).
 */
export function withPreload<E>(handler: ((event: E) => void) | undefined, preload: () => void) {
  return (event: E) => {
    handler?.(event);
    preload();
  };
}
