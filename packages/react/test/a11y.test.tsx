import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import axe from "axe-core";
import { expect, it } from "vitest";
import { Uploader } from "../src/index";
import { dropData, imagesConfig, manualTransport, png, sized } from "./support/manual-transport";

it("has no axe violations with files in every state", async () => {
  const manual = manualTransport();
  const { container } = render(
    <main>
      <h1>Upload</h1>
      <Uploader
        profile="images"
        config={{ ...imagesConfig, restrictions: { ...imagesConfig.restrictions, maxFiles: 10 } }}
        transports={{ direct: manual.transport }}
        concurrency={3}
        retries={0}
      />
    </main>,
  );
  const dropzone = screen.getByRole("button", { name: /drop files here/i });
  fireEvent.drop(
    dropzone,
    dropData([
      png("done.png"),
      sized("moving.mp4", "video/mp4", 1000),
      png("broken.png"),
      png("waiting.png"),
      png("later.png"),
      png("last.png"),
      sized("notes.txt", "text/plain", 10),
      sized("huge.pdf", "application/pdf", 5 * 1024 * 1024),
    ]),
  );
  await waitFor(() => expect(manual.started).toHaveLength(3));
  act(() => {
    manual.finish("done.png");
    manual.progress("moving.mp4", 400);
    manual.fail("broken.png");
  });
  await waitFor(() => expect(container.querySelector('[data-state="success"]')).toBeTruthy());
  await waitFor(() => expect(container.querySelector("video")).toBeTruthy());
  await screen.findByRole("link", { name: "Open done.png" });
  const states = [...container.querySelectorAll('[data-part="file-item"]')].map((item) =>
    item.getAttribute("data-state"),
  );
  expect(new Set(states)).toEqual(new Set(["success", "uploading", "error", "rejected", "queued"]));

  const results = await axe.run(container, {
    // jsdom lays nothing out: contrast cannot be computed here (the CSS is checked by eye).
    rules: { "color-contrast": { enabled: false } },
  });
  expect(results.passes.map((rule) => rule.id)).toEqual(
    expect.arrayContaining(["aria-progressbar-name", "label", "button-name", "link-name"]),
  );
  expect(
    results.violations.map((violation) => ({
      id: violation.id,
      nodes: violation.nodes.map((node) => node.html),
    })),
  ).toEqual([]);
});
