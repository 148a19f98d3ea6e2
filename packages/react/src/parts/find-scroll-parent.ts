/**
 * The element whose scrolling moves `element`: its nearest ancestor that scrolls vertically, or
 * the window when none does (the page itself scrolls). Read once, when a long list mounts.
 */
export function findScrollParent(element: Element): Element | Window {
  const root = element.ownerDocument.scrollingElement;
  for (let parent = element.parentElement; parent; parent = parent.parentElement) {
    if (parent === root || parent === element.ownerDocument.body) break;
    const { overflowY } = getComputedStyle(parent);
    if (overflowY === "auto" || overflowY === "scroll" || overflowY === "overlay") return parent;
  }
  return element.ownerDocument.defaultView ?? window;
}

/** How far `element` starts below the top of `parent`'s scrolled content, in pixels. */
export function offsetWithin(element: Element, parent: Element | Window): number {
  const top = element.getBoundingClientRect().top;
  if (isWindow(parent)) return top + parent.scrollY;
  return top - parent.getBoundingClientRect().top - parent.clientTop + parent.scrollTop;
}

export function isWindow(target: Element | Window): target is Window {
  return "scrollY" in target && "document" in target;
}
