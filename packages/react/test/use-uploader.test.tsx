import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { createUploader, type Uploader as Engine, type UploadTransport } from "@upkit/core";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Uploader, UploaderProvider, type UseUploaderOptions, useUploader } from "../src/index";
import { dropData, imagesConfig, manualTransport, png } from "./support/manual-transport";

function Headless(props: Partial<UseUploaderOptions> & { onRootClick?: () => void }) {
  const { onRootClick, ...options } = props;
  const uploader = useUploader({ profile: "images", config: imagesConfig, ...options });
  return (
    <div>
      <div
        data-testid="root"
        {...uploader.getRootProps({ onClick: onRootClick, className: "mine" })}
      >
        drop here
      </div>
      <input data-testid="input" {...uploader.getInputProps()} />
      <ul>
        {uploader.files.map((file) => (
          <li key={file.id}>
            {file.name}: {file.status}
          </li>
        ))}
      </ul>
      <output data-testid="totals">{`${uploader.totals.succeeded}/${uploader.totals.files}`}</output>
    </div>
  );
}

function Zone({ engine, onFocus }: { engine: Engine; onFocus: () => void }) {
  const uploader = useUploader({ profile: "images", uploader: engine });
  return <div data-testid="zone" {...uploader.getRootProps({ onFocus })} />;
}

/** Leaves `onUploadComplete` out of the options when it is not given (a conditional spread). */
function Dropping(props: { engine: Engine; onUploadComplete?: () => void; seen: unknown[] }) {
  const { engine, onUploadComplete, seen } = props;
  const uploader = useUploader({
    profile: "images",
    uploader: engine,
    ...(onUploadComplete ? { onUploadComplete } : {}),
  });
  seen.push(uploader.cancel);
  return <div data-testid="root" {...uploader.getRootProps()} />;
}

function Swapping(props: {
  first: () => void;
  second: () => void;
  transport: UploadTransport;
  onSwap: (swap: () => void) => void;
}) {
  const [callback, setCallback] = useState(() => props.first);
  props.onSwap(() => setCallback(() => props.second));
  return <Headless transports={{ direct: props.transport }} onUploadComplete={callback} />;
}

function Custom({ transport }: { transport: UploadTransport }) {
  const uploader = useUploader({
    profile: "images",
    config: imagesConfig,
    transports: { direct: transport },
  });
  return (
    <UploaderProvider value={uploader} messages={{ dropzone: "Add photos" }}>
      <Uploader.Dropzone className="zone" />
      <Uploader.FileList
        renderFile={(file) => (
          <Uploader.FileItem key={file.id} file={file}>
            <Uploader.Preview />
            <Uploader.Progress />
            <Uploader.CancelButton>Stop</Uploader.CancelButton>
          </Uploader.FileItem>
        )}
      />
    </UploaderProvider>
  );
}

describe("useUploader", () => {
  it("merges the caller's props into getRootProps: both click handlers run, the class stays", async () => {
    const user = userEvent.setup();
    const onRootClick = vi.fn();
    render(<Headless onRootClick={onRootClick} />);
    const root = screen.getByTestId("root");
    const input = screen.getByTestId("input");
    const opened = vi.fn();
    input.addEventListener("click", opened);

    expect(root).toHaveClass("mine");
    expect(root).toHaveAttribute("tabindex", "0");
    await user.click(root);
    expect(onRootClick).toHaveBeenCalledTimes(1);
    expect(opened).toHaveBeenCalledTimes(1);
  });

  it("loads the engine's file handling when a pointer, the focus or a drag reaches the drop area", () => {
    const engine = createUploader({ profile: "images", config: imagesConfig });
    const preload = vi.spyOn(engine, "preload");
    const onFocus = vi.fn();
    render(<Zone engine={engine} onFocus={onFocus} />);
    expect(preload).not.toHaveBeenCalled();
    fireEvent.pointerEnter(screen.getByTestId("zone"));
    expect(preload).toHaveBeenCalledTimes(1);
    fireEvent.focus(screen.getByTestId("zone"));
    expect(onFocus).toHaveBeenCalledTimes(1);
    expect(preload).toHaveBeenCalledTimes(2);
    fireEvent.dragEnter(screen.getByTestId("zone"), dropData([png("a.png")]));
    expect(preload).toHaveBeenCalledTimes(3);
  });

  it("derives the input's accept and multiple from the published restrictions", () => {
    const { unmount } = render(<Headless />);
    expect(screen.getByTestId("input")).toHaveAttribute("accept", "image/*,video/*,.pdf");
    expect(screen.getByTestId("input")).toHaveAttribute("multiple");
    unmount();
    render(
      <Headless
        config={{ restrictions: { accept: ["image/png"], maxFiles: 1 }, transports: ["direct"] }}
      />,
    );
    expect(screen.getByTestId("input")).toHaveAttribute("accept", "image/png");
    expect(screen.getByTestId("input")).not.toHaveAttribute("multiple");
  });

  it("creates the engine once and passes callback changes in without recreating it", async () => {
    const manual = manualTransport();
    const first = vi.fn();
    const second = vi.fn();
    let swap: () => void = () => {};
    render(
      <Swapping
        first={first}
        second={second}
        transport={manual.transport}
        onSwap={(fn) => {
          swap = fn;
        }}
      />,
    );
    fireEvent.drop(screen.getByTestId("root"), dropData([png("x.png")]));
    await waitFor(() => expect(manual.isPending("x.png")).toBe(true));
    act(() => swap());
    act(() => manual.finish("x.png"));
    await waitFor(() => expect(screen.getByTestId("totals")).toHaveTextContent("1/1"));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(screen.getByText("x.png: success")).toBeInTheDocument();
  });

  it("drops a callback left out of later options, and returns the engine's bound actions", async () => {
    const manual = manualTransport();
    const onUploadComplete = vi.fn();
    const engine = createUploader({
      profile: "images",
      config: imagesConfig,
      transports: { direct: manual.transport },
    });
    const seen: unknown[] = [];
    const props = { engine, onUploadComplete, seen };
    const { rerender } = render(<Dropping {...props} />);
    rerender(<Dropping {...props} onUploadComplete={undefined} />);
    fireEvent.drop(screen.getByTestId("root"), dropData([png("y.png")]));
    await waitFor(() => expect(manual.isPending("y.png")).toBe(true));
    act(() => manual.finish("y.png"));
    await act(() => engine.settled());
    expect(onUploadComplete).not.toHaveBeenCalled();
    expect(new Set(seen)).toEqual(new Set([engine.actions.cancel]));
  });

  it("feeds the parts through UploaderProvider, for a layout of one's own", async () => {
    const manual = manualTransport();
    render(<Custom transport={manual.transport} />);
    const zone = screen.getByRole("button", { name: "Add photos" });
    expect(zone).toHaveClass("zone");
    fireEvent.drop(zone, dropData([png("own.png")]));
    expect(await screen.findByRole("progressbar", { name: "Upload of own.png" })).toBeVisible();
    await userEvent.click(screen.getByRole("button", { name: "Cancel own.png" }));
    await waitFor(() => expect(manual.aborted).toEqual(["own.png"]));
  });

  it("says where a part is missing its provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() => render(<Uploader.Dropzone />)).toThrow(/inside <Uploader>/);
    vi.mocked(console.error).mockRestore();
  });
});
