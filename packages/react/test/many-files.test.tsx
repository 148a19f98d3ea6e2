import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { Uploader } from "../src/index";
import { dropData, manualTransport, png } from "./support/manual-transport";

// Only what the test marks visible intersects, as in a browser scrolled to the top.
const observed: Element[] = [];
let notify: IntersectionObserverCallback = () => {};
class FakeIntersectionObserver {
  constructor(callback: IntersectionObserverCallback) {
    notify = callback;
  }
  observe(element: Element) {
    observed.push(element);
  }
  unobserve() {}
  disconnect() {}
}

// jsdom lays nothing out: give every row the height it has in a browser with the default styles
// (the viewport is jsdom's 768 px), and the list a place on the page, 200 px down, that moves
// up as the page scrolls.
const ROW_PX = 66;
const LIST_TOP = 200;
const offsetHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, "offsetHeight");
const getBoundingClientRect = Element.prototype.getBoundingClientRect;
beforeAll(() => {
  vi.stubGlobal("IntersectionObserver", FakeIntersectionObserver);
  Object.defineProperty(HTMLElement.prototype, "offsetHeight", {
    configurable: true,
    get(this: HTMLElement) {
      return this.dataset.part === "file-item" ? ROW_PX : 0;
    },
  });
  Element.prototype.getBoundingClientRect = function (this: Element) {
    if (this.getAttribute("data-part") !== "file-list-window")
      return getBoundingClientRect.call(this);
    // Inside a scrolling panel (at the viewport's top), the panel's scrolling moves it too.
    const panel = this.closest<HTMLElement>("[data-testid=panel]");
    const y = LIST_TOP - window.scrollY - (panel?.scrollTop ?? 0);
    return DOMRect.fromRect({ x: 0, y, width: 1024, height: 0 });
  };
});
afterAll(() => {
  vi.unstubAllGlobals();
  if (offsetHeight) Object.defineProperty(HTMLElement.prototype, "offsetHeight", offsetHeight);
  Element.prototype.getBoundingClientRect = getBoundingClientRect;
});

const rows = () => [...document.querySelectorAll<HTMLElement>('[data-part="file-item"]')];
const names = () => rows().map((row) => row.querySelector('[data-part="file-name"]')?.textContent);

function dropMany(count: number, concurrency = 2, children?: ReactNode) {
  const manual = manualTransport();
  const files = Array.from({ length: count }, (_, index) => png(`photo-${index}.png`));
  render(
    <Uploader
      profile="bulk"
      config={{ restrictions: { accept: ["image/*"] }, transports: ["direct"] }}
      transports={{ direct: manual.transport }}
      concurrency={concurrency}
    >
      {children}
    </Uploader>,
  );
  fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData(files));
  return manual;
}

it("takes 1,000 dropped files in one go, mounting only the rows near the viewport", async () => {
  const createObjectURL = vi.mocked(URL.createObjectURL);
  createObjectURL.mockClear();
  const manual = dropMany(1000);
  await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("1000 files added"), {
    timeout: 10_000,
  });
  await waitFor(() => expect(rows()[0]).toHaveAttribute("aria-setsize", "1000"), {
    timeout: 10_000,
  });
  // 768 px show 11 or 12 rows; a few more are mounted on each side.
  expect(rows().length).toBeGreaterThanOrEqual(12);
  expect(rows().length).toBeLessThanOrEqual(30);
  expect(names()[0]).toBe("photo-0.png");
  expect(rows().map((row) => row.getAttribute("aria-posinset"))).toEqual(
    rows().map((_, index) => String(index + 1)),
  );
  // The list's box is as tall as every row: the page scrolls as if all were there.
  const box = document.querySelector<HTMLElement>('[data-part="file-list-window"]');
  expect(Number.parseFloat(box?.style.height ?? "")).toBe(1000 * ROW_PX);
  expect(createObjectURL).not.toHaveBeenCalled();

  // Previews are made for the rows that come into view, not for the list.
  const mounted = [...new Set(observed.filter((element) => element.isConnected))];
  notify(
    mounted.slice(0, 8).map((target) => ({ target, isIntersecting: true })) as never,
    {} as never,
  );
  await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(8));
  expect(manual.started).toHaveLength(2);
});

it("mounts the rows a scroll brings into view, and unmounts those it leaves", async () => {
  dropMany(1000);
  await waitFor(() => expect(rows()[0]).toHaveAttribute("aria-setsize", "1000"), {
    timeout: 10_000,
  });
  // The page is as tall as the list (jsdom says 0, which reads as scrolling past the end).
  Object.defineProperty(document.documentElement, "scrollHeight", {
    configurable: true,
    value: LIST_TOP + 1000 * ROW_PX,
  });
  act(() => {
    window.scrollY = LIST_TOP + 500 * ROW_PX;
    window.dispatchEvent(new Event("scroll"));
  });
  await waitFor(() => expect(names()).toContain("photo-500.png"));
  expect(names()).not.toContain("photo-0.png");
  const row = rows().find((element) => element.textContent?.includes("photo-500.png"));
  expect(row).toHaveAttribute("aria-posinset", "501");
  expect(rows().length).toBeLessThanOrEqual(30);
  act(() => {
    window.scrollY = 0;
    window.dispatchEvent(new Event("scroll"));
  });
  await waitFor(() => expect(names()[0]).toBe("photo-0.png"));
});

it("renders a list of 100 files whole, without windowing", async () => {
  dropMany(100);
  await waitFor(() => expect(rows()).toHaveLength(100));
  expect(document.querySelector('[data-part="file-list-window"]')).toBeNull();
  expect(rows()[0]).not.toHaveAttribute("aria-setsize");
});

it("mounts every row with windowFrom={false}, for layouts that are not one file per line", async () => {
  dropMany(
    150,
    2,
    <>
      <Uploader.Dropzone />
      <Uploader.FileList windowFrom={false} />
    </>,
  );
  await waitFor(() => expect(rows()).toHaveLength(150), { timeout: 10_000 });
  expect(document.querySelector('[data-part="file-list-window"]')).toBeNull();
});

it("follows the scrolling of the panel it sits in, not the page's", async () => {
  const manual = manualTransport();
  render(
    <div data-testid="panel" style={{ overflowY: "auto", height: "400px" }}>
      <Uploader
        profile="bulk"
        config={{ restrictions: { accept: ["image/*"] }, transports: ["direct"] }}
        transports={{ direct: manual.transport }}
      />
    </div>,
  );
  const panel = screen.getByTestId("panel");
  let scrollTop = 0;
  Object.defineProperties(panel, {
    clientHeight: { configurable: true, value: 400 },
    scrollHeight: { configurable: true, value: LIST_TOP + 1000 * ROW_PX },
    scrollTop: {
      configurable: true,
      get: () => scrollTop,
      set: (value: number) => {
        scrollTop = value;
      },
    },
  });
  const files = Array.from({ length: 1000 }, (_, index) => png(`photo-${index}.png`));
  fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData(files));
  await waitFor(() => expect(rows()[0]).toHaveAttribute("aria-setsize", "1000"), {
    timeout: 10_000,
  });
  // 400 px of panel show about 6 rows, not the 12 of the 768 px viewport.
  expect(rows().length).toBeLessThanOrEqual(20);
  act(() => {
    panel.scrollTop = LIST_TOP + 700 * ROW_PX;
    panel.dispatchEvent(new Event("scroll"));
  });
  await waitFor(() => expect(names()).toContain("photo-700.png"));
  expect(names()).not.toContain("photo-0.png");
});
