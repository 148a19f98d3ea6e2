import { QueryClient, QueryClientProvider, useMutation } from "@tanstack/react-query";
import { act, fireEvent, render, renderHook, screen, waitFor } from "@testing-library/react";
import { UploadError, type UploadTransport } from "@upkit/core";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { Uploader, useUploaderContext } from "../src/index";
import { uploadMutationOptions, useInvalidateOnUpload } from "../src/query";
import { dropData, imagesConfig, manualTransport, png, sized } from "./support/manual-transport";

function withClient() {
  const client = new QueryClient({ defaultOptions: { mutations: { retry: false } } });
  const invalidate = vi.spyOn(client, "invalidateQueries");
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return { client, invalidate, wrapper };
}

function WithMutation({ transport }: { transport: UploadTransport }) {
  return (
    <Uploader profile="images" config={imagesConfig} transports={{ direct: transport }}>
      <Uploader.FileList
        renderFile={(file) => <li key={file.id}>{`${file.name} ${file.status}`}</li>}
      />
      <Mutate />
    </Uploader>
  );
}

function Mutate() {
  const { uploader } = useUploaderContext();
  const upload = useMutation(uploadMutationOptions({ uploader }));
  return (
    <button type="button" onClick={() => upload.mutate([png("via-mutation.png")])}>
      {upload.isSuccess ? "done" : "send"}
    </button>
  );
}

function Invalidating(props: { transport: UploadTransport; also: (file: unknown) => void }) {
  const onUploadComplete = useInvalidateOnUpload([["gallery"]], props.also);
  return (
    <Uploader
      profile="images"
      config={imagesConfig}
      transports={{ direct: props.transport }}
      onUploadComplete={onUploadComplete}
    />
  );
}

describe("@upkit/react/query", () => {
  it("uploadMutationOptions: mutate(files) uploads, resolves with the stored files, invalidates", async () => {
    const manual = manualTransport();
    const { invalidate, wrapper } = withClient();
    const { result } = renderHook(
      () =>
        useMutation(
          uploadMutationOptions({
            profile: "images",
            config: imagesConfig,
            transports: { direct: manual.transport },
            invalidateQueries: [["photos"], ["me", "avatar"]],
          }),
        ),
      { wrapper },
    );
    act(() => result.current.mutate([png("m.png")]));
    await waitFor(() => expect(manual.isPending("m.png")).toBe(true));
    act(() => manual.finish("m.png", { saved: true }));
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.[0]).toMatchObject({
      name: "m.png",
      status: "success",
      data: { saved: true },
      result: { url: "https://ik.test/demo/uploads/m.png" },
    });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["photos"] });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["me", "avatar"] });
  });

  it("uploadMutationOptions: a rejected file fails the mutation with an UploadError", async () => {
    const { wrapper, invalidate } = withClient();
    const { result } = renderHook(
      () =>
        useMutation(
          uploadMutationOptions({
            profile: "images",
            config: imagesConfig,
            invalidateQueries: [["photos"]],
          }),
        ),
      { wrapper },
    );
    act(() => result.current.mutate([sized("x.txt", "text/plain", 3)]));
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(UploadError);
    expect(result.current.error?.code).toBe("file-invalid-type");
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("uploadMutationOptions runs on a given engine, whose list then shows the files", async () => {
    const manual = manualTransport();
    const { wrapper } = withClient();
    render(<WithMutation transport={manual.transport} />, { wrapper });
    fireEvent.click(screen.getByRole("button", { name: "send" }));
    await waitFor(() => expect(manual.isPending("via-mutation.png")).toBe(true));
    expect(await screen.findByText("via-mutation.png uploading")).toBeInTheDocument();
    act(() => manual.finish("via-mutation.png"));
    await screen.findByRole("button", { name: "done" });
  });

  it("useInvalidateOnUpload invalidates the app's queries as each file is stored", async () => {
    const manual = manualTransport();
    const { wrapper, invalidate } = withClient();
    const also = vi.fn();
    render(<Invalidating transport={manual.transport} also={also} />, { wrapper });
    fireEvent.drop(screen.getByRole("button", { name: /drop files/i }), dropData([png("g.png")]));
    await waitFor(() => expect(manual.isPending("g.png")).toBe(true));
    act(() => manual.finish("g.png"));
    await waitFor(() => expect(invalidate).toHaveBeenCalledWith({ queryKey: ["gallery"] }));
    expect(also).toHaveBeenCalledWith(expect.objectContaining({ name: "g.png" }));
  });
});
