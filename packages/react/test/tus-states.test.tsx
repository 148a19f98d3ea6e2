import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import {
  type ProfileConfig,
  type UploadContext,
  UploadError,
  type UploadTransport,
} from "@upkit/core";
import { describe, expect, it } from "vitest";
import { Uploader } from "../src/index";
import { dropData, resultFor, sized } from "./support/manual-transport";

const tusConfig: ProfileConfig = { restrictions: {}, transports: ["tus"] };

/** A resumable "tus" transport the test drives: each attempt waits for the test's reports. */
function manualTus() {
  const attempts: UploadContext[] = [];
  let finish: (() => void) | undefined;
  const transport: UploadTransport = {
    name: "tus",
    canResume: true,
    upload(context) {
      attempts.push(context);
      return new Promise((resolve, reject) => {
        finish = () => resolve({ result: resultFor(context.file), data: {} });
        context.signal.addEventListener("abort", () =>
          reject(new UploadError("aborted", "The upload was aborted")),
        );
      });
    },
  };
  const current = () => attempts.at(-1) as UploadContext;
  return { transport, attempts, current, finish: () => finish?.() };
}

function setup() {
  const tus = manualTus();
  render(<Uploader profile="videos" config={tusConfig} transports={{ tus: tus.transport }} />);
  const dropzone = screen.getByRole("button", { name: /drop files here/i });
  fireEvent.drop(dropzone, dropData([sized("clip.mp4", "video/mp4", 1000)]));
  const row = () => screen.getByRole("listitem");
  return { tus, row };
}

describe("<Uploader> with a tus upload", () => {
  it("shows a paused file with a resume action, then where it resumed from", async () => {
    const { tus, row } = setup();
    await waitFor(() => expect(tus.attempts).toHaveLength(1));
    act(() => tus.current().onProgress(400));
    fireEvent.click(await screen.findByRole("button", { name: "Pause clip.mp4" }));

    await waitFor(() => expect(row()).toHaveAttribute("data-state", "paused"));
    expect(within(row()).getByText("Paused")).toBeInTheDocument();
    expect(within(row()).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40");
    fireEvent.click(within(row()).getByRole("button", { name: "Resume clip.mp4" }));

    await waitFor(() => expect(tus.attempts).toHaveLength(2));
    act(() => tus.current().onResumed?.(400));
    expect(await within(row()).findByText(/^Resumed from 400/)).toBeInTheDocument();
    expect(within(row()).getByText("Uploading")).toBeInTheDocument();
  });

  it("shows the upload to the server, then the forwarding to ImageKit with its own progress", async () => {
    const { tus, row } = setup();
    await waitFor(() => expect(tus.attempts).toHaveLength(1));
    act(() => tus.current().onProgress(1000));
    act(() => tus.current().onForwarding?.(250, 1000));

    expect(await within(row()).findByText("Sending to ImageKit…")).toBeInTheDocument();
    const bar = within(row()).getByRole("progressbar", { name: "Upload of clip.mp4" });
    expect(bar).toHaveAttribute("aria-valuenow", "25");
    expect(bar).toHaveAttribute("data-state", "forwarding");

    act(() => tus.finish());
    expect(await within(row()).findByText("Uploaded")).toBeInTheDocument();
  });
});
