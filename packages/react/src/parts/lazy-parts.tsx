import { type FunctionComponent, lazy, Suspense } from "react";
import { useUploaderContext } from "../uploader-context";

type FileParts = typeof import("./file-parts");

let loading: Promise<FileParts> | undefined;

/**
 * Loads the parts that show files. The dropzone calls it when a pointer, focus or drag reaches
 * it, so the code is there before the first file is; a failed load is tried again next time.
 */
export function preloadFileParts(): Promise<FileParts> {
  loading ??= import("./file-parts").catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

// The loaded part keeps its own props type; `lazyPart` returns it typed as the part itself.
// biome-ignore lint/suspicious/noExplicitAny: any part's props pass through unchanged.
type AnyPart = FunctionComponent<any>;

/**
 * A part whose code loads on first render, behind its own Suspense boundary (nothing shows
 * while it loads), so an app needs no boundary of its own. `whenFiles`: render nothing, and
 * load nothing, while the uploader has no files (for the parts that are not given a file).
 */
function lazyPart<TName extends keyof FileParts>(name: TName, whenFiles = false): FileParts[TName] {
  const Loaded = lazy(() =>
    preloadFileParts().then((parts) => ({ default: parts[name] as unknown as AnyPart })),
  );
  // biome-ignore lint/correctness/noComponentHookFactories: made once per part, at module level.
  const Part: AnyPart = (props) => (
    <Suspense fallback={null}>
      <Loaded {...props} />
    </Suspense>
  );
  // biome-ignore lint/correctness/noComponentHookFactories: as above.
  const WhenFiles: AnyPart = (props) =>
    useUploaderContext().files.length > 0 ? <Part {...props} /> : null;
  const component = whenFiles ? WhenFiles : Part;
  component.displayName = name;
  return component as unknown as FileParts[TName];
}

export const Announcer = lazyPart("Announcer", true);
export const FileList = lazyPart("FileList", true);
export const TotalProgress = lazyPart("TotalProgress", true);
export const StartButton = lazyPart("StartButton", true);
export const FileItem = lazyPart("FileItem");
export const Preview = lazyPart("Preview");
export const Status = lazyPart("Status");
export const Result = lazyPart("Result");
export const Progress = lazyPart("Progress");
export const Actions = lazyPart("Actions");
export const CancelButton = lazyPart("CancelButton");
export const RetryButton = lazyPart("RetryButton");
export const RemoveButton = lazyPart("RemoveButton");
export const PauseButton = lazyPart("PauseButton");
export const ResumeButton = lazyPart("ResumeButton");
