import type { FileStatus } from "@upkit/core";
import { useEffect, useRef } from "react";
import { useUploaderContext, useUploaderUi } from "../uploader-context";

export interface AnnouncerProps {
  /** Receives the sentence to announce (one per kind of change, joined). */
  onAnnounce(text: string): void;
}

/**
 * Follows the files and hands `<LiveRegion>` what changed: added, rejected, uploaded, failed.
 * One sentence per kind of change, so 1,000 files make one announcement. Renders nothing; it
 * loads with the other file parts, while the region itself is on the page from the start (a
 * region added together with its text is often not read).
 */
export function Announcer({ onAnnounce }: AnnouncerProps) {
  const { files } = useUploaderContext();
  const { messages } = useUploaderUi();
  const seen = useRef(new Map<string, FileStatus>());

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
    if (sentences.length > 0) onAnnounce(sentences.join(". "));
  }, [files, messages, onAnnounce]);

  return null;
}
