import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, inject, it } from "vitest";
import { Uploader } from "../src/index";
import { dropData, png } from "./support/manual-transport";

// The real thing: the engine in jsdom, talking over sockets to a real route handler on
// node:http, which signs for (or streams to) a real ImageKit emulator (both started by
// test/support/upload-stack.ts). jsdom's XHR enforces CORS like a browser: both servers answer
// CORS for the page's origin.

const endpoint = inject("endpoint");
const emulator = {
  url: inject("emulatorUrl"),
  urlEndpoint: inject("urlEndpoint"),
  privateKey: inject("privateKey"),
};

async function fault(rule: object) {
  const response = await fetch(`${emulator.url}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(rule),
  });
  expect(response.ok).toBe(true);
}

async function storedFiles(folder: string): Promise<{ name: string }[]> {
  const response = await fetch(`${emulator.url}/v1/files?path=${encodeURIComponent(folder)}`, {
    headers: { authorization: `Basic ${btoa(`${emulator.privateKey}:`)}` },
  });
  return response.json();
}

const row = (name: string) =>
  screen
    .getAllByRole("listitem")
    .find((item) => within(item).queryByText(name, { selector: '[data-part="file-name"]' }));

describe("<Uploader> against the real route and the emulator", () => {
  it("uploads directly to ImageKit and links the stored file", async () => {
    render(<Uploader profile="photos" endpoint={endpoint} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    // The restrictions come from GET {endpoint}/config.
    await waitFor(() => expect(dropzone).toHaveAccessibleDescription(/image\/\*, up to 1 MB/));
    fireEvent.drop(dropzone, dropData([png("direct.png")]));

    const link = await screen.findByRole("link", { name: "Open direct.png" }, { timeout: 10_000 });
    expect(link.getAttribute("href")).toMatch(
      new RegExp(`^${emulator.urlEndpoint}/photos/direct_[A-Za-z0-9_-]+\\.png$`),
    );
    expect(link.querySelector("img")?.getAttribute("src")).toContain(emulator.urlEndpoint);
    const thumbnail = await fetch(link.querySelector("img")?.getAttribute("src") as string);
    expect(thumbnail.status).toBe(200);
    expect(row("direct.png")).toHaveAttribute("data-state", "success");
    expect(screen.getByRole("status")).toHaveTextContent("direct.png uploaded");
  });

  it("uploads through the proxy route", async () => {
    render(<Uploader profile="docs" endpoint={endpoint} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    fireEvent.drop(dropzone, dropData([png("proxied.png")]));
    const link = await screen.findByRole("link", { name: "Open proxied.png" }, { timeout: 10_000 });
    expect(link.getAttribute("href")).toMatch(new RegExp(`^${emulator.urlEndpoint}/docs/proxied`));
  });

  it("sums up a proxy upload the server refuses by its content as failed, without a Retry", async () => {
    render(<Uploader profile="docs" endpoint={endpoint} locale="en" />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    await waitFor(() => expect(dropzone).toHaveAccessibleDescription(/image/));
    // An image by its name and type, text by its bytes: every byte goes out, then the server's
    // sniffing refuses it.
    const fake = new File(["just some text, not an image at all"], "fake.png", {
      type: "image/png",
    });
    fireEvent.drop(dropzone, dropData([fake]));
    await waitFor(() => expect(row("fake.png")).toHaveAttribute("data-state", "error"), {
      timeout: 10_000,
    });
    const total = screen.getByRole("progressbar", { name: "Total upload progress" });
    expect(total).toHaveAttribute("aria-valuetext", "0 of 1 uploaded · 1 failed");
    expect(total).toHaveAttribute("aria-valuenow", "0");
    const buttons = within(row("fake.png") as HTMLElement).getAllByRole("button");
    expect(buttons.map((button) => button.textContent)).toEqual(["Remove"]);
  });

  it("rejects a file the published restrictions refuse, without a request", async () => {
    render(<Uploader profile="photos" endpoint={endpoint} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    await waitFor(() => expect(dropzone).toHaveAccessibleDescription(/image/));
    fireEvent.drop(dropzone, dropData([new File(["hello"], "notes.txt", { type: "text/plain" })]));
    await waitFor(() => expect(row("notes.txt")).toHaveAttribute("data-state", "rejected"));
    expect(row("notes.txt")).toHaveTextContent("Not an accepted type (image/*)");
  });

  it("cancels a slow upload mid-way, then retries it", async () => {
    const user = userEvent.setup();
    await fault({ path: "/api/v2/files/upload", times: 1, fault: { latencyMs: 2000 } });
    render(<Uploader profile="photos" endpoint={endpoint} retries={0} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    fireEvent.drop(dropzone, dropData([png("slow.png")]));
    await waitFor(() => expect(row("slow.png")).toHaveAttribute("data-state", "uploading"));

    await user.click(screen.getByRole("button", { name: "Cancel slow.png" }));
    await waitFor(() => expect(row("slow.png")).toHaveAttribute("data-state", "canceled"));
    // The emulator was still waiting when the request went away: nothing was stored.
    await new Promise((resolve) => setTimeout(resolve, 2200));
    expect((await storedFiles("/photos")).map((file) => file.name)).not.toContainEqual(
      expect.stringMatching(/^slow/),
    );

    await user.click(screen.getByRole("button", { name: "Retry slow.png" }));
    await screen.findByRole("link", { name: "Open slow.png" }, { timeout: 10_000 });
    expect(row("slow.png")).toHaveAttribute("data-state", "success");
  });

  it("shows an ImageKit 503 as a failure, and succeeds on retry", async () => {
    const user = userEvent.setup();
    await fault({ path: "/api/v2/files/upload", times: 1, fault: { status: 503 } });
    render(<Uploader profile="photos" endpoint={endpoint} retries={0} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    fireEvent.drop(dropzone, dropData([png("flaky.png")]));
    await waitFor(() => expect(row("flaky.png")).toHaveAttribute("data-state", "error"), {
      timeout: 10_000,
    });
    expect(screen.getByRole("status")).toHaveTextContent("flaky.png failed");

    await user.click(screen.getByRole("button", { name: "Retry flaky.png" }));
    await screen.findByRole("link", { name: "Open flaky.png" }, { timeout: 10_000 });
  });

  it("retries a 503 on its own with the engine's backoff", async () => {
    await fault({ path: "/api/v2/files/upload", times: 1, fault: { status: 503 } });
    render(<Uploader profile="photos" endpoint={endpoint} />);
    const dropzone = await screen.findByRole("button", { name: /drop files here/i });
    fireEvent.drop(dropzone, dropData([png("again.png")]));
    await screen.findByRole("link", { name: "Open again.png" }, { timeout: 10_000 });
  });
});
