import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { UploadError } from "@upkit/core";
import { StrictMode } from "react";
import { describe, expect, it, vi } from "vitest";
import { Uploader, type UploaderProps } from "../src/index";
import { dropData, imagesConfig, manualTransport, png, sized } from "./support/manual-transport";
import { objectUrls } from "./support/setup";

function setup(props: Partial<UploaderProps> = {}) {
  const manual = manualTransport();
  const view = render(
    <Uploader
      profile="images"
      config={imagesConfig}
      transports={{ direct: manual.transport }}
      retries={0}
      {...props}
    />,
  );
  const dropzone = screen.getByRole("button", { name: /drop files here/i });
  const drop = (files: File[]) => fireEvent.drop(dropzone, dropData(files));
  return { ...view, manual, dropzone, drop };
}

const row = (name: string) => {
  const item = screen
    .getAllByRole("listitem")
    .find((li) => li.querySelector('[data-part="file-name"]')?.textContent === name);
  if (!item) throw new Error(`no row for ${name}`);
  return item;
};

describe("<Uploader>", () => {
  it("lists dropped files with a preview per type: image thumbnail, video frame, icon", async () => {
    const { drop, container } = setup();
    drop([
      png("photo.png"),
      sized("clip.mp4", "video/mp4", 64),
      sized("doc.pdf", "application/pdf", 64),
    ]);

    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3));
    await waitFor(() => {
      expect(
        row("photo.png").querySelector('[data-part="preview"][data-state="image"] img'),
      ).toBeTruthy();
    });
    const image = row("photo.png").querySelector("img") as HTMLImageElement;
    expect(image.getAttribute("src")).toMatch(/^blob:/);
    expect(image).toHaveAttribute("alt", "");
    await waitFor(() => {
      const video = row("clip.mp4").querySelector("video") as HTMLVideoElement;
      expect(video.getAttribute("src")).toMatch(/^blob:.*#t=0\.1$/);
      expect(video).toHaveAttribute("preload", "metadata");
    });
    const icon = row("doc.pdf").querySelector('[data-part="preview"]');
    expect(icon).toHaveAttribute("data-state", "icon");
    expect(icon?.querySelector("svg")).toBeTruthy();
    expect(container.querySelector('[data-part="root"]')).toHaveAttribute("data-scope", "upkit");
  });

  it("accepts files from the labelled input, and shows progress with speed and time left", async () => {
    const user = userEvent.setup();
    const { manual } = setup();
    const file = sized("big.png", "image/png", 1000);
    await user.upload(screen.getByLabelText("Choose files to upload"), file);

    await waitFor(() => expect(manual.isPending("big.png")).toBe(true));
    act(() => manual.progress("big.png", 500));
    const bar = await screen.findByRole("progressbar", { name: "Upload of big.png" });
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "50"));
    expect(bar).toHaveAttribute("aria-valuemin", "0");
    expect(bar).toHaveAttribute("aria-valuemax", "100");
    expect(row("big.png")).toHaveAttribute("data-state", "uploading");

    const total = screen.getByRole("progressbar", { name: "Total upload progress" });
    expect(total).toHaveAttribute("aria-valuenow", "50");

    // A second report after a while gives a speed, and with it a time left.
    await new Promise((resolve) => setTimeout(resolve, 120));
    act(() => manual.progress("big.png", 750));
    await waitFor(() => expect(bar).toHaveAttribute("aria-valuenow", "75"));
    expect(bar.getAttribute("aria-valuetext")).toMatch(/75% · .+\/s · .+ left/);

    act(() => manual.finish("big.png"));
    const link = await within(row("big.png")).findByRole("link", { name: "Open big.png" });
    expect(link).toHaveAttribute("href", "https://ik.test/demo/uploads/big.png");
    expect(link.querySelector("img")).toHaveAttribute(
      "src",
      "https://ik.test/demo/tr:n-ik_ml_thumbnail/uploads/big.png",
    );
    expect(row("big.png")).toHaveAttribute("data-state", "success");
    expect(screen.queryByRole("progressbar", { name: "Upload of big.png" })).toBeNull();
  });

  it("shows each rejection with its reason: too large, wrong type, too many", async () => {
    const { drop } = setup({
      config: { ...imagesConfig, restrictions: { ...imagesConfig.restrictions, maxFiles: 2 } },
    });
    drop([
      sized("huge.png", "image/png", 2 * 1024 * 1024),
      sized("notes.txt", "text/plain", 10),
      png("one.png"),
      png("two.png"),
      png("three.png"),
    ]);
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(5));
    expect(row("huge.png")).toHaveAttribute("data-state", "rejected");
    expect(row("huge.png")).toHaveTextContent("Too large: the limit is 1 MB");
    expect(row("notes.txt")).toHaveTextContent("Not an accepted type (image/*, video/*, .pdf)");
    expect(row("three.png")).toHaveTextContent("Too many files: at most 2 files");
    expect(row("one.png")).not.toHaveAttribute("data-state", "rejected");
    // A rejected file can only be removed.
    const buttons = within(row("huge.png")).getAllByRole("button");
    expect(buttons.map((button) => button.textContent)).toEqual(["Remove"]);
  });

  it("cancels, retries and removes a file, revoking its preview URL", async () => {
    const user = userEvent.setup();
    const { drop, manual } = setup();
    drop([png("a.png")]);
    await waitFor(() => expect(manual.isPending("a.png")).toBe(true));
    const url = await waitFor(() => {
      const src = row("a.png").querySelector("img")?.getAttribute("src");
      expect(src).toBeTruthy();
      return src as string;
    });
    expect(objectUrls.has(url)).toBe(true);

    await user.click(screen.getByRole("button", { name: "Cancel a.png" }));
    await waitFor(() => expect(row("a.png")).toHaveAttribute("data-state", "canceled"));
    expect(manual.aborted).toContain("a.png");
    expect(row("a.png")).toHaveTextContent("Canceled");

    await user.click(screen.getByRole("button", { name: "Retry a.png" }));
    await waitFor(() => expect(manual.isPending("a.png")).toBe(true));
    act(() => manual.finish("a.png"));
    await waitFor(() => expect(row("a.png")).toHaveAttribute("data-state", "success"));

    await user.click(screen.getByRole("button", { name: "Remove a.png" }));
    await waitFor(() => expect(screen.queryAllByRole("listitem")).toHaveLength(0));
    expect(objectUrls.has(url)).toBe(false);
  });

  it("shows a failure with the server's message and retries it", async () => {
    const user = userEvent.setup();
    const onUploadError = vi.fn();
    const onUploadComplete = vi.fn();
    const { drop, manual } = setup({ onUploadError, onUploadComplete });
    drop([png("b.png")]);
    await waitFor(() => expect(manual.isPending("b.png")).toBe(true));
    act(() => manual.fail("b.png", new UploadError("upstream-error", "ImageKit is down")));
    await waitFor(() => expect(row("b.png")).toHaveAttribute("data-state", "error"));
    expect(row("b.png")).toHaveTextContent("ImageKit is down");
    expect(onUploadError).toHaveBeenCalledTimes(1);

    await user.click(screen.getByRole("button", { name: "Retry b.png" }));
    await waitFor(() => expect(manual.isPending("b.png")).toBe(true));
    act(() => manual.finish("b.png", { saved: 1 }));
    await waitFor(() => expect(onUploadComplete).toHaveBeenCalledTimes(1));
    expect(onUploadComplete.mock.calls[0]?.[0]).toMatchObject({
      name: "b.png",
      data: { saved: 1 },
    });
  });

  it("offers Retry only when a retry may help: not after a refusal or a broken rule", async () => {
    const { drop, manual } = setup({ concurrency: 4 });
    drop([png("a.png"), png("b.png"), png("c.png"), png("d.png")]);
    await waitFor(() => expect(manual.isPending("d.png")).toBe(true));
    act(() => {
      manual.fail("a.png", new UploadError("unauthorized", "Sign in to upload."));
      manual.fail("b.png", new UploadError("file-invalid-type", "b.png is not an accepted type"));
      manual.fail("c.png", new UploadError("network-error", "The connection was lost"));
      manual.fail("d.png", new UploadError("rate-limited", "Too many uploads"));
    });
    await waitFor(() => expect(row("d.png")).toHaveAttribute("data-state", "error"));
    const buttons = (name: string) =>
      within(row(name))
        .getAllByRole("button")
        .map((button) => button.textContent);
    expect(row("a.png")).toHaveTextContent("Sign in to upload.");
    expect(buttons("a.png")).toEqual(["Remove"]);
    expect(buttons("b.png")).toEqual(["Remove"]);
    expect(buttons("c.png")).toEqual(["Retry", "Remove"]);
    expect(buttons("d.png")).toEqual(["Retry", "Remove"]);
  });

  it("renders a RetryButton of its own only when a retry may help", async () => {
    const { drop, manual } = setup({
      renderFile: (file) => (
        <Uploader.FileItem key={file.id} file={file}>
          <span data-part="file-name">{file.name}</span>
          <Uploader.Status />
          <Uploader.RetryButton />
        </Uploader.FileItem>
      ),
    });
    drop([png("a.png"), png("b.png")]);
    await waitFor(() => expect(manual.isPending("b.png")).toBe(true));
    act(() => {
      manual.fail("a.png", new UploadError("forbidden", "Only admins may upload"));
      manual.fail("b.png", new UploadError("upstream-error", "ImageKit is down"));
    });
    await screen.findByRole("button", { name: "Retry b.png" });
    expect(row("a.png")).toHaveTextContent("Only admins may upload");
    expect(screen.queryByRole("button", { name: "Retry a.png" })).toBeNull();
  });

  it("sums up failures in the total: the count failed, and no percentage of bytes that went nowhere", async () => {
    const { drop, manual } = setup();
    drop([sized("sent.png", "image/png", 1000), sized("ok.png", "image/png", 1000)]);
    await waitFor(() => expect(manual.isPending("ok.png")).toBe(true));
    const total = screen.getByRole("progressbar", { name: "Total upload progress" });
    // Every byte went out (as through the proxy), then the server refused the file.
    act(() => manual.progress("sent.png", 1000));
    await waitFor(() => expect(total).toHaveAttribute("aria-valuenow", "50"));
    act(() => manual.fail("sent.png", new UploadError("file-invalid-type", "Not a PNG")));
    await waitFor(() => expect(row("sent.png")).toHaveAttribute("data-state", "error"));
    expect(total).toHaveAttribute("aria-valuenow", "0");
    expect(total).toHaveAttribute("aria-valuetext", "0 of 2 uploaded · 1 failed · 0%");

    act(() => manual.finish("ok.png"));
    await waitFor(() => expect(row("ok.png")).toHaveAttribute("data-state", "success"));
    expect(total).toHaveAttribute("aria-valuenow", "50");
    expect(total).toHaveAttribute("aria-valuetext", "1 of 2 uploaded · 1 failed");
    expect(document.querySelector('[data-part="total-progress"]')).toHaveAttribute(
      "data-state",
      "error",
    );
  });

  it("shows sizes in SI units (1 kB = 1000 bytes), and bytes in the plural", async () => {
    const { drop } = setup({ locale: "en" });
    drop([
      sized("one.png", "image/png", 1),
      sized("small.png", "image/png", 586),
      sized("mid.png", "image/png", 105_931),
    ]);
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3));
    const size = (name: string) => row(name).querySelector('[data-part="file-size"]')?.textContent;
    expect(size("one.png")).toBe("1 byte");
    expect(size("small.png")).toBe("586 bytes");
    expect(size("mid.png")).toBe("105.9 kB");
  });

  it("is keyboard operable: Tab reaches the dropzone, Enter and Space open the picker", async () => {
    const user = userEvent.setup();
    const { dropzone } = setup();
    const input = screen.getByLabelText("Choose files to upload");
    const clicks = vi.fn();
    input.addEventListener("click", clicks);

    await user.tab();
    expect(dropzone).toHaveFocus();
    expect(dropzone).toHaveAttribute("data-focused");
    await user.keyboard("{Enter}");
    expect(clicks).toHaveBeenCalledTimes(1);
    await user.keyboard(" ");
    expect(clicks).toHaveBeenCalledTimes(2);
    // The input is out of the tab order: the dropzone stands for it.
    await user.tab();
    expect(input).not.toHaveFocus();
  });

  it("takes the files of a dropped folder, subfolders included", async () => {
    const { dropzone } = setup();
    const fileEntry = (file: File) => ({
      isFile: true,
      isDirectory: false,
      name: file.name,
      fullPath: `/album/${file.name}`,
      file: (resolve: (file: File) => void) => resolve(file),
    });
    const dirEntry = (name: string, children: unknown[]) => {
      let read = false;
      return {
        isFile: false,
        isDirectory: true,
        name,
        createReader: () => ({
          // Directory readers hand out entries in batches, then an empty one.
          readEntries: (resolve: (entries: unknown[]) => void) => {
            const batch = read ? [] : children;
            read = true;
            resolve(batch);
          },
        }),
      };
    };
    const folder = dirEntry("album", [
      fileEntry(png("cover.png")),
      dirEntry("more", [fileEntry(png("inner.png"))]),
    ]);
    fireEvent.drop(dropzone, {
      dataTransfer: {
        files: [],
        items: [{ kind: "file", type: "", getAsFile: () => null, webkitGetAsEntry: () => folder }],
        types: ["Files"],
      },
    });
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(2));
    expect(row("cover.png")).toBeInTheDocument();
    expect(row("inner.png")).toBeInTheDocument();
  });

  it("takes files pasted into the focused dropzone", async () => {
    const { dropzone } = setup();
    const file = png("pasted.png");
    fireEvent.paste(dropzone, {
      clipboardData: {
        files: [file],
        items: [{ kind: "file", type: file.type, getAsFile: () => file }],
        types: ["Files"],
      },
    });
    await waitFor(() => expect(row("pasted.png")).toBeInTheDocument());
  });

  it("announces added, rejected, finished and failed files in a polite live region", async () => {
    const { drop, manual } = setup();
    const live = screen.getByRole("status");
    expect(live).toHaveAttribute("aria-live", "polite");

    drop([png("one.png"), png("two.png"), sized("bad.txt", "text/plain", 3)]);
    await waitFor(() => expect(live).toHaveTextContent("2 files added. bad.txt was rejected"));
    await waitFor(() => expect(manual.isPending("two.png")).toBe(true));
    act(() => manual.finish("one.png"));
    await waitFor(() => expect(live).toHaveTextContent("one.png uploaded"));
    act(() => manual.fail("two.png"));
    await waitFor(() => expect(live).toHaveTextContent("two.png failed"));
  });

  it("takes every string from `messages`, with values for the ones that need them", async () => {
    const manual = manualTransport();
    render(
      <Uploader
        profile="images"
        config={imagesConfig}
        transports={{ direct: manual.transport }}
        locale="fr"
        messages={{
          dropzone: "Déposez vos fichiers ici",
          rejection: { "file-invalid-type": ({ name }) => `${name} : type refusé` },
          announceRejected: ({ names }) => `${names.length} refusé(s)`,
        }}
      />,
    );
    const dropzone = screen.getByRole("button", { name: "Déposez vos fichiers ici" });
    fireEvent.drop(dropzone, dropData([sized("x.txt", "text/plain", 2048)]));
    await waitFor(() => expect(row("x.txt")).toHaveTextContent("x.txt : type refusé"));
    expect(row("x.txt")).toHaveTextContent("2 ko");
    expect(screen.getByRole("status")).toHaveTextContent("1 refusé(s)");
  });

  it("takes className, classNames per part, a theme, and renderFile", async () => {
    const { drop, container } = setup({
      className: "mine",
      classNames: { dropzone: "dz", "file-list": "list" },
      theme: "dark",
      renderFile: (file) => (
        <Uploader.FileItem key={file.id} file={file} className="custom-row">
          <Uploader.Status />
          <span data-testid="custom">{file.name.toUpperCase()}</span>
        </Uploader.FileItem>
      ),
    });
    const root = container.querySelector('[data-part="root"]');
    expect(root).toHaveClass("mine");
    expect(root).toHaveAttribute("data-theme", "dark");
    expect(container.querySelector('[data-part="dropzone"]')).toHaveClass("dz");
    drop([png("c.png")]);
    expect(await screen.findByTestId("custom")).toHaveTextContent("C.PNG");
    expect(screen.getByRole("list")).toHaveClass("list");
    expect(screen.getByRole("listitem")).toHaveClass("custom-row");
  });

  it("waits for the start button with autoUpload off", async () => {
    const user = userEvent.setup();
    const { drop, manual } = setup({ autoUpload: false });
    drop([png("d.png"), png("e.png")]);
    const start = await screen.findByRole("button", { name: "Upload 2 files" });
    expect(manual.started).toEqual([]);
    await user.click(start);
    await waitFor(() => expect(manual.started).toEqual(["d.png", "e.png"]));
  });

  it("works under StrictMode (the engine survives the double mount)", async () => {
    const manual = manualTransport();
    render(
      <StrictMode>
        <Uploader
          profile="images"
          config={imagesConfig}
          transports={{ direct: manual.transport }}
        />
      </StrictMode>,
    );
    fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData([png("s.png")]));
    await waitFor(() => expect(manual.isPending("s.png")).toBe(true));
    act(() => manual.finish("s.png"));
    // The list renders in the background (useDeferredValue), twice over in StrictMode: on a
    // loaded machine that takes more than waitFor's default second.
    await waitFor(() => expect(row("s.png")).toHaveAttribute("data-state", "success"), {
      timeout: 5000,
    });
  });

  it("revokes preview URLs and aborts uploads when unmounted", async () => {
    const { drop, manual, unmount } = setup();
    drop([png("u.png")]);
    await waitFor(() => expect(row("u.png").querySelector("img")).toBeTruthy());
    const url = row("u.png").querySelector("img")?.getAttribute("src") as string;
    unmount();
    expect(objectUrls.has(url)).toBe(false);
    await waitFor(() => expect(manual.aborted).toContain("u.png"));
  });

  it("shows the processing state of post-transformations", async () => {
    const { Status } = Uploader;
    const { UploaderProvider } = await import("../src/index");
    const file = {
      id: "p",
      file: png("p.png"),
      name: "p.png",
      size: 10,
      type: "image/png",
      status: "success" as const,
      bytesSent: 10,
      progress: 1,
      speed: 0,
      eta: 0,
      attempts: 1,
      processing: {
        pending: ["thumbnail:w-150,h-150", "thumbnail:w-40,h-40"],
        done: [],
        failed: [],
      },
    };
    const value = fakeUploaderValue([file]);
    render(
      <UploaderProvider value={value}>
        <Status file={file} />
      </UploaderProvider>,
    );
    expect(screen.getByText("Processing thumbnail…")).toHaveAttribute("data-part", "processing");
  });
});

function fakeUploaderValue(files: unknown[]) {
  const noop = () => {};
  return {
    files,
    totals: {
      files: files.length,
      bytes: 0,
      bytesSent: 0,
      progress: 1,
      speed: 0,
      eta: 0,
      uploading: 0,
      queued: 0,
      succeeded: files.length,
      failed: 0,
    },
    config: undefined,
    isUploading: false,
    uploader: {} as never,
    addFiles: async () => [],
    start: noop,
    cancel: noop,
    retry: noop,
    remove: noop,
    pause: noop,
    resume: noop,
    cancelAll: noop,
    retryAll: noop,
    getRootProps: (props: object) => props,
    getInputProps: (props: object) => props,
    open: noop,
    isDragActive: false,
    isDragReject: false,
    isFocused: false,
    disabled: false,
  } as never;
}
