import type { FileStatus } from "@upkit/core";
import { type HTMLAttributes, useEffect, useRef, useState } from "react";
import { partProps, useUploaderContext, useUploaderUi } from "../uploader-context";

// Visually hidden but read: inline, so it holds without styles.css.
const HIDDEN = {
  position: "absolute",
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;

/**
 * A polite live region announcing files added, rejected, uploaded and failed (one sentence per
 * kind of change, so 1,000 files make one announcement). `data-state`: `announcing` or `idle`.
 */
export function LiveRegion({ className, style, ...props }: HTMLAttributes<HTMLDivElement>) {
  const { files } = useUploaderContext();
  const { messages, classNames } = useUploaderUi();
  const seen = useRef(new Map<string, FileStatus>());
  const [text, setText] = useState("");

  useEffect(() => {
    const added: string[] = [];
    const rejected: string[] = [];
    const finished: string[] = [];
    const failed: string[] = [];
    const next = new Map<string, FileStatus>();
    for (const file of files) {
      const before = seen.current.get(file.id);
      next.set(file.id, file.status);
      if (before === file.status) continue;
      if (before === undefined) (file.status === "rejected" ? rejected : added).push(file.name);
      if (file.status === "success") finished.push(file.name);
      else if (file.status === "error") failed.push(file.name);
    }
    seen.current = next;
    const sentences = [
      added.length > 0 && messages.announceAdded({ names: added }),
      rejected.length > 0 && messages.announceRejected({ names: rejected }),
      finished.length > 0 && messages.announceFinished({ names: finished }),
      failed.length > 0 && messages.announceFailed({ names: failed }),
    ].filter(Boolean);
    if (sentences.length > 0) setText(sentences.join(". "));
  }, [files, messages]);

  return (
    <div
      role="status"
      aria-live="polite"
      {...props}
      {...partProps("live-region", classNames, text ? "announcing" : "idle", className)}
      style={{ ...HIDDEN, ...style }}
    >
      {text}
    </div>
  );
}
