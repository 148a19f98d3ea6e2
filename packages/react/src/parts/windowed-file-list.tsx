import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  observeWindowOffset,
  observeWindowRect,
  useVirtualizer,
  type Virtualizer,
  windowScroll,
} from "@tanstack/react-virtual";
import type { UploadFile } from "@upkit/core";
import {
  type HTMLAttributes,
  type ReactNode,
  useCallback,
  useLayoutEffect,
  useRef,
  useState,
} from "react";
import { findScrollParent, isWindow, offsetWithin } from "./find-scroll-parent";

/** A row's height before the first rows are measured (then their average is the estimate). */
const FIRST_ESTIMATE_PX = 75;
/** Rows mounted beyond each edge of the viewport, so scrolling and Tab find rows already there. */
const OVERSCAN = 8;

type ScrollTarget = Element | Window;
// The virtualizer's types take an element; the window goes through the same instance (below).
type Instance = Virtualizer<Element, Element>;

/** Where the list sits: what scrolls it, how far down that content it starts, the rows' gap. */
interface Placement {
  parent: ScrollTarget;
  margin: number;
  gap: number;
}

export interface WindowedFileListProps {
  files: readonly UploadFile<unknown>[];
  renderRow: (file: UploadFile<unknown>) => ReactNode;
  listProps: HTMLAttributes<HTMLUListElement>;
}

/**
 * The file list of a large drop: only the rows in and near the viewport are in the document,
 * in a box as tall as all rows together, so the page scrolls as if every row were there. With
 * 1,000 rows in the document, Chromium's own work on them took frames of 55 to 64 ms
 * (bench/many-files); here it is the same for 200 rows or 10,000. Each row says its place
 * (`aria-posinset` of `aria-setsize`), so assistive technology still hears the whole count.
 * Loaded on its own, only once a list grows past `WINDOW_FROM` rows.
 */
export default function WindowedFileList({ files, renderRow, listProps }: WindowedFileListProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [placement, setPlacement] = useState<Placement | null>(null);
  const [estimate, setEstimate] = useState<number>();
  const estimateSize = useCallback(() => estimate ?? FIRST_ESTIMATE_PX, [estimate]);
  const getItemKey = useCallback((index: number) => files[index]?.id ?? index, [files]);
  const virtualizer = useVirtualizer<Element, Element>({
    // Off until the first commit has found the scrolling parent.
    enabled: placement !== null,
    count: files.length,
    getScrollElement: () => (placement?.parent ?? null) as Element | null,
    observeElementRect: observeRect,
    observeElementOffset: observeOffset,
    scrollToFn: scrollTo,
    initialOffset: () => (placement ? scrollOffsetOf(placement.parent) : 0),
    estimateSize,
    getItemKey,
    overscan: OVERSCAN,
    gap: placement?.gap ?? 0,
    scrollMargin: placement?.margin ?? 0,
  });
  useLayoutEffect(() => {
    const container = containerRef.current;
    const list = listRef.current;
    if (!container || !list) return;
    const next = measurePlacement(container, list, placement);
    if (next) setPlacement(next);
    const average = placeRows(list, virtualizer, files.length);
    // Rows not yet mounted are taken to be as tall as the first ones, so the scrollbar is about
    // right. Set once, while nothing is above: a later change would move the rows in view.
    if (estimate === undefined && average !== undefined) setEstimate(Math.round(average));
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const top = first ? first.start - virtualizer.options.scrollMargin : 0;
  return (
    <div
      ref={containerRef}
      data-scope="upkit"
      data-part="file-list-window"
      style={{ position: "relative", height: virtualizer.getTotalSize() }}
    >
      <ul
        ref={listRef}
        {...listProps}
        style={{
          ...listProps.style,
          position: "absolute",
          top: 0,
          left: 0,
          right: 0,
          transform: `translateY(${top}px)`,
        }}
      >
        {items.map((item) => {
          const file = files[item.index];
          return file ? renderRow(file) : null;
        })}
      </ul>
    </div>
  );
}

/**
 * Where the list sits now, or null when that has not changed. What is above the list may change
 * size (the dropzone, a message), so this is read at each commit.
 */
function measurePlacement(
  container: HTMLElement,
  list: HTMLUListElement,
  placement: Placement | null,
): Placement | null {
  const parent = placement?.parent ?? findScrollParent(container);
  const margin = offsetWithin(container, parent);
  const gap = rowGap(list) ?? placement?.gap ?? 0;
  if (placement && Math.abs(margin - placement.margin) <= 0.5 && gap === placement.gap) return null;
  return { parent, margin, gap };
}

/**
 * Tells the virtualizer which row each mounted element is and measures it; returns their average
 * height. Done on the DOM, not through props, because rows from `renderFile` are the app's own.
 */
function placeRows(list: HTMLUListElement, virtualizer: Instance, total: number) {
  const items = virtualizer.getVirtualItems();
  const rows = list.children;
  let height = 0;
  let count = 0;
  for (let i = 0; i < rows.length && i < items.length; i += 1) {
    const row = rows[i] as HTMLElement;
    const index = (items[i] as { index: number }).index;
    setAttribute(row, "data-index", String(index));
    setAttribute(row, "aria-posinset", String(index + 1));
    setAttribute(row, "aria-setsize", String(total));
    virtualizer.measureElement(row);
    height += row.offsetHeight;
    count += 1;
  }
  return count > 0 ? height / count : undefined;
}

function setAttribute(element: Element, name: string, value: string) {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/** The space the styles put between two rows (a margin), or undefined with fewer than two. */
function rowGap(list: HTMLUListElement): number | undefined {
  const [a, b] = list.children as unknown as HTMLElement[];
  if (!a || !b) return undefined;
  return Math.max(0, b.offsetTop - (a.offsetTop + a.offsetHeight));
}

function scrollOffsetOf(parent: ScrollTarget): number {
  return isWindow(parent) ? parent.scrollY : parent.scrollTop;
}

// The virtualizer's window and element variants, chosen by what was found to scroll the list.
const observeRect: typeof observeElementRect<Element> = (instance, cb) =>
  isWindow(instance.scrollElement as ScrollTarget)
    ? observeWindowRect(instance as unknown as Virtualizer<Window, Element>, cb)
    : observeElementRect(instance, cb);
const observeOffset: typeof observeElementOffset<Element> = (instance, cb) =>
  isWindow(instance.scrollElement as ScrollTarget)
    ? observeWindowOffset(instance as unknown as Virtualizer<Window, Element>, cb)
    : observeElementOffset(instance, cb);
const scrollTo: typeof elementScroll<Element> = (offset, options, instance) =>
  isWindow(instance.scrollElement as ScrollTarget)
    ? windowScroll(offset, options, instance as unknown as Virtualizer<Window, Element>)
    : elementScroll(offset, options, instance);
