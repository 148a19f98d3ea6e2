import { extensionOf } from "@upkit/core";
import { nameForType } from "../naming/name-for-type";
import { baseType } from "../naming/type-aliases";
import { fitsContainer, type SniffedType } from "./check-file-content";

/**
 * The type a file is stored as, and the profile decides its options by: what the bytes are, not
 * what the browser declared. A container format (zip, CFB, XML) keeps the declared, more specific
 * one; bytes without a signature keep the declared type.
 */
export function storedTypeFor(
  fileName: string,
  declaredType: string,
  sniffed: SniffedType | undefined,
): string {
  return sniffed && !fitsContainer(sniffed.mime, baseType(declaredType), extensionOf(fileName))
    ? sniffed.mime
    : declaredType || "application/octet-stream";
}

/**
 * The name a file is stored under: `name` with the extension of `contentType` (what the bytes
 * are, or the declared type when they have no signature), so that no CDN or browser takes a PDF
 * named `page.html` for a page. A name that fits the sniffed container is kept: a .docx whose
 * first bytes read as plain zip stays .docx.
 */
export function storedNameFor(
  name: string,
  contentType: string,
  sniffed: SniffedType | undefined,
): string {
  if (sniffed && fitsContainer(sniffed.mime, "", extensionOf(name))) return name;
  return nameForType(name, contentType);
}
