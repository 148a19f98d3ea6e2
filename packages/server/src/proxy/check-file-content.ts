import {
  checkFile,
  extensionOf,
  isAccepted,
  type PublicRestrictions,
  type Rejection,
} from "@upkit/core";
import { fileTypeFromBuffer } from "file-type";
import { baseType, CONTAINERS, EXTENSION_ALIASES, MIME_ALIASES } from "../naming/type-aliases";

/** How many leading bytes are sniffed: file-type's own "reasonable detection size". */
export const SNIFF_BYTES = 4100;

/** What file-type recognised in a file's first bytes. */
export interface SniffedType {
  ext: string;
  mime: string;
}

/** Sniffs the file type from its first bytes (pass up to {@link SNIFF_BYTES}); undefined when unknown. */
export async function sniffFileType(head: Uint8Array): Promise<SniffedType | undefined> {
  if (head.length === 0) return undefined;
  try {
    const found = await fileTypeFromBuffer(head);
    return found && { ext: found.ext, mime: found.mime };
  } catch {
    // A parser that runs out of a cut-off head (deep container probing) knows nothing for sure.
    return undefined;
  }
}

/**
 * Checks a file against restrictions by its content, not by what the browser declared:
 *
 * - **Recognised bytes** (PNG, PDF, MP4…): the type is the sniffed MIME (and its common aliases,
 *   e.g. `image/apng` is also `image/png`, `video/vnd.avi` also `video/x-msvideo`), and an
 *   extension pattern (`.pdf`) only matches when the name's extension belongs to the sniffed type:
 *   a PNG renamed `scan.pdf` is neither `application/pdf` nor `.pdf`.
 * - **Generic containers** (zip, OLE/CFB, XML): when the name or declared type is a format living
 *   in that container (`.docx`, `.xls`, `image/svg+xml`…), the declared facts are used, because
 *   the specific kind may lie beyond the sniffed bytes (a .docx whose `[Content_Types].xml` is not
 *   its first entry reads as plain zip). Anything else is judged as the container.
 * - **No signature**: text formats (CSV, TXT, JSON, SVG, Markdown) and formats file-type does not
 *   know are judged by the declared type and extension, as the browser judged them, UNLESS they
 *   claim a format that always starts with a signature (an image, PDF, office document, archive,
 *   audio or video): a text file named `photo.png` is refused.
 *
 * Sizes are checked with `checkFile` on `file.size` (pass the real byte count).
 */
export function checkFileContent(
  restrictions: PublicRestrictions,
  file: { name: string; size: number; declaredType: string; sniffed: SniffedType | undefined },
): Rejection | undefined {
  const sizeRejection = checkFile(
    { ...restrictions, accept: undefined },
    { name: file.name, size: file.size, type: file.declaredType },
  );
  if (sizeRejection) return sizeRejection;
  if (!restrictions.accept || restrictions.accept.length === 0) return undefined;

  const declaredType = baseType(file.declaredType);
  const extension = extensionOf(file.name);
  const { sniffed } = file;
  if (!sniffed || fitsContainer(sniffed.mime, declaredType, extension)) {
    return checkDeclared(restrictions.accept, {
      name: file.name,
      declaredType,
      extension,
      sniffed,
    });
  }
  return checkSniffed(restrictions.accept, { name: file.name, extension, sniffed });
}

/** No signature, or a container the name or declared type fits: judged as declared. */
function checkDeclared(
  accept: string[],
  file: { name: string; declaredType: string; extension: string; sniffed: SniffedType | undefined },
): Rejection | undefined {
  const { name, declaredType, extension } = file;
  if (!file.sniffed && claimsSignature(declaredType, extension)) {
    return {
      code: "file-invalid-type",
      message: `${name} does not contain what its name or type says (${declaredType || extension})`,
    };
  }
  if (isAccepted(accept, { name, type: declaredType })) return undefined;
  return {
    code: "file-invalid-type",
    message: `${name} is not an accepted type (${accept.join(", ")})`,
  };
}

/** Recognised bytes: judged by the sniffed type, under a name that agrees with it. */
function checkSniffed(
  accept: string[],
  file: { name: string; extension: string; sniffed: SniffedType },
): Rejection | undefined {
  const { extension, sniffed } = file;
  const mime = baseType(sniffed.mime);
  const types = [mime, ...(MIME_ALIASES[mime] ?? [])];
  const extensions = [sniffed.ext, ...(EXTENSION_ALIASES[sniffed.ext] ?? [])];
  // The name as it should be for its content: its extension if it belongs to the type, else the type's.
  const name = extensions.includes(extension.slice(1))
    ? file.name
    : `${file.name.slice(0, file.name.length - extension.length)}.${sniffed.ext}`;
  if (types.some((type) => isAccepted(accept, { name, type }))) return undefined;
  return {
    code: "file-invalid-type",
    message: `${file.name} is ${mime} by its content, which is not accepted (${accept.join(", ")})`,
  };
}

/** Whether the declared type or extension is a format living in the sniffed container. */
export function fitsContainer(
  sniffedType: string,
  declaredType: string,
  extension: string,
): boolean {
  const container = CONTAINERS[sniffedType];
  if (!container) return false;
  return container.types.test(declaredType) || container.extensions.includes(extension.slice(1));
}

/**
 * Formats that always start with a signature file-type knows: a file claiming one of them whose
 * first bytes show none is not what it claims. Text-based and weakly signed formats (MP3 without
 * ID3, AAC, MPEG-TS, XML) are left out on purpose: their absence of magic proves nothing.
 */
const SIGNED_EXTENSIONS = new Set([
  ...["jpg", "jpeg", "jpe", "jfif", "png", "apng", "gif", "webp", "avif", "heic", "heif"],
  ...["bmp", "tif", "tiff", "ico", "jxl", "psd", "pdf"],
  ...["zip", "gz", "tgz", "7z", "rar", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"],
  ...["doc", "xls", "ppt", "mp4", "m4v", "m4a", "mov", "webm", "mkv", "avi", "wav", "flac"],
  ...["ogg", "oga", "ogv", "opus", "mid", "midi", "woff", "woff2", "wasm"],
]);
const SIGNED_TYPES =
  /^(image\/(jpeg|jpg|pjpeg|png|apng|gif|webp|avif|heic|heif|bmp|tiff|x-icon|vnd\.microsoft\.icon|jxl|vnd\.adobe\.photoshop)|application\/(pdf|zip|x-zip-compressed|gzip|x-gzip|x-7z-compressed|vnd\.rar|x-rar-compressed|vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|epub\+zip|msword|vnd\.ms-excel|vnd\.ms-powerpoint|wasm)|video\/(mp4|x-m4v|quicktime|webm|matroska|x-matroska|avi|x-msvideo|vnd\.avi|ogg)|audio\/(mp4|x-m4a|m4a|wav|x-wav|wave|vnd\.wave|flac|x-flac|ogg|webm|midi)|font\/(woff|woff2))$/;

function claimsSignature(declaredType: string, extension: string): boolean {
  return SIGNED_TYPES.test(declaredType) || SIGNED_EXTENSIONS.has(extension.slice(1));
}
