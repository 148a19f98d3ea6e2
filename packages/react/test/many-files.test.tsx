import { fireEvent, render, screen, waitFor } from "@testing-library/react";
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
beforeAll(() => vi.stubGlobal("IntersectionObserver", FakeIntersectionObserver));
afterAll(() => vi.unstubAllGlobals());

it("takes 1,000 dropped files in one go, making previews only for the visible rows", async () => {
  const manual = manualTransport();
  const files = Array.from({ length: 1000 }, (_, index) => png(`photo-${index}.png`));
  render(
    <Uploader
      profile="bulk"
      config={{ restrictions: { accept: ["image/*"] }, transports: ["direct"] }}
      transports={{ direct: manual.transport }}
      concurrency={2}
    />,
  );
  const createObjectURL = vi.mocked(URL.createObjectURL);
  createObjectURL.mockClear();
  fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData(files));
  // (Counted with a selector: a role query over 1,000 rows is itself slow in jsdom.)
  await waitFor(
    () => expect(document.querySelectorAll('[data-part="file-item"]')).toHaveLength(1000),
    { timeout: 10_000 },
  );
  await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("1000 files added"));
  expect(createObjectURL).not.toHaveBeenCalled();

  // Rows rendered in deferred passes may be replaced: wait until every mounted row is observed,
  // then let the first eight (mounted, once each) scroll into view.
  const mountedObserved = () => [...new Set(observed.filter((element) => element.isConnected))];
  await waitFor(() => expect(mountedObserved()).toHaveLength(1000), { timeout: 10_000 });
  const mounted = mountedObserved();
  notify(
    mounted.slice(0, 8).map((target) => ({ target, isIntersecting: true })) as never,
    {} as never,
  );
  await waitFor(() => expect(createObjectURL).toHaveBeenCalledTimes(8));
  expect(document.querySelectorAll('[data-part="preview"][data-state="image"]')).toHaveLength(8);
  expect(manual.started).toHaveLength(2);
});

it("mounts the rows of a large drop a pass at a time, so no one task mounts them all", async () => {
  const manual = manualTransport();
  const files = Array.from({ length: 1000 }, (_, index) => png(`photo-${index}.png`));
  render(
    <Uploader
      profile="bulk"
      config={{ restrictions: { accept: ["image/*"] }, transports: ["direct"] }}
      transports={{ direct: manual.transport }}
    />,
  );
  // The rows in the document after each commit (a commit is one synchronous task).
  const counts: number[] = [];
  const rows = () => document.querySelectorAll('[data-part="file-item"]').length;
  const watcher = new MutationObserver(() => counts.push(rows()));
  watcher.observe(document.body, { childList: true, subtree: true });
  fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData(files));
  await waitFor(() => expect(rows()).toBe(1000), { timeout: 10_000 });
  watcher.disconnect();
  const added = counts.map((count, index) => count - (counts[index - 1] ?? 0));
  expect(Math.max(...added)).toBeLessThanOrEqual(100);
});
