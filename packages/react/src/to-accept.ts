import type { Accept } from "react-dropzone";

export interface AcceptProps {
  /** For react-dropzone's drag-time check (`isDragReject`); undefined when it could be wrong. */
  dropzone: Accept | undefined;
  /** For the file input's `accept` attribute: the patterns as published. */
  input: string | undefined;
}

/**
 * Turns the published `accept` patterns (`image/*`, `application/pdf`, `.pdf`) into what
 * react-dropzone and the file input need. The engine makes the real check (one rule set, one
 * set of messages), so the dropzone only uses them to filter the picker and to show a rejecting
 * drag. react-dropzone keys extensions by a MIME type, which the restrictions do not know; with
 * any extension among the patterns the drag-time check is left out rather than made wrong
 * (a dragged item has a type, never a name).
 */
export function toAccept(patterns: readonly string[] | undefined): AcceptProps {
  if (!patterns || patterns.length === 0) return { dropzone: undefined, input: undefined };
  const hasExtension = patterns.some((pattern) => pattern.startsWith("."));
  return {
    dropzone: hasExtension
      ? undefined
      : Object.fromEntries(patterns.map((pattern) => [pattern, [] as string[]])),
    input: patterns.join(","),
  };
}
