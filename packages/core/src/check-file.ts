import { formatFileSize } from "./format-file-size";
import type { FileInfo } from "./protocol";
import type { PublicRestrictions } from "./restrictions";
import type { RejectionCode } from "./upload-error";

// Kept apart from restrictions.ts (which holds the zod schema) so the browser's engine checks
// files without pulling zod into the bundle; `FileInfo` comes from protocol.ts as a type only.

export interface Rejection {
  code: RejectionCode;
  message: string;
}

/** `.png` (lower case, with the dot), or "" when the name has none (`README`, `.env`). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? "" : name.slice(dot).toLowerCase();
}

/** True when the file's type or extension matches one of the patterns (or there are none). */
export function isAccepted(
  accept: string[] | undefined,
  file: Pick<FileInfo, "name" | "type">,
): boolean {
  if (!accept || accept.length === 0) return true;
  const type = file.type.toLowerCase();
  const extension = extensionOf(file.name);
  return accept.some((pattern) => {
    if (pattern.startsWith(".")) return pattern === extension;
    if (pattern.endsWith("/*")) return type.startsWith(pattern.slice(0, -1));
    return pattern === type;
  });
}

/**
 * The one check of a file against a profile's restrictions, run by the browser before upload and
 * by the server on the real bytes. Returns the rejection, or undefined when the file is fine.
 */
export function checkFile(restrictions: PublicRestrictions, file: FileInfo): Rejection | undefined {
  if (restrictions.maxFileSize !== undefined && file.size > restrictions.maxFileSize) {
    return {
      code: "file-too-large",
      message: `${file.name} is larger than ${formatFileSize(restrictions.maxFileSize, "en")}`,
    };
  }
  if (restrictions.minFileSize !== undefined && file.size < restrictions.minFileSize) {
    return {
      code: "file-too-small",
      message: `${file.name} is smaller than ${formatFileSize(restrictions.minFileSize, "en")}`,
    };
  }
  if (!isAccepted(restrictions.accept, file)) {
    return {
      code: "file-invalid-type",
      message: `${file.name} is not an accepted type (${restrictions.accept?.join(", ")})`,
    };
  }
  return undefined;
}

/** Checks a batch: each file on its own, then the files beyond `maxFiles` (counting `already`). */
export function checkFiles(
  restrictions: PublicRestrictions,
  files: FileInfo[],
  already = 0,
): (Rejection | undefined)[] {
  let accepted = already;
  return files.map((file) => {
    const rejection = checkFile(restrictions, file);
    if (rejection) return rejection;
    if (restrictions.maxFiles !== undefined && accepted >= restrictions.maxFiles) {
      return {
        code: "too-many-files",
        message: `At most ${restrictions.maxFiles} file${restrictions.maxFiles === 1 ? "" : "s"} can be uploaded`,
      };
    }
    accepted++;
    return undefined;
  });
}
