// The parts that show files, in one chunk that `lazy-parts.tsx` loads when the user reaches for
// the dropzone (or when the first file arrives): a page that never uploads never downloads them.
export {
  Actions,
  CancelButton,
  PauseButton,
  RemoveButton,
  ResumeButton,
  RetryButton,
  StartButton,
} from "./actions";
export { Announcer } from "./announcer";
export { FileItem, FileList } from "./file-list";
export { Preview } from "./preview";
export { Progress, TotalProgress } from "./progress";
export { Result, Status } from "./status";
