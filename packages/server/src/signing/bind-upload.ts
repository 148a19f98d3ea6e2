import { randomId } from "./random-id";

/**
 * How `complete` recognises the one file a signature produced. The kit names the file itself:
 * the name the profile chose, with this upload's random id as its unique suffix
 * (`photo_3fA9kQ2xZ.png`, as ImageKit's own suffixes look), signed with
 * `useUniqueFileName: false` and `overwriteFile: false`. Only an upload made with these fields
 * can store a file of that name, so a file that is not in the signed folder under that name is
 * not this upload's, whatever the browser claims.
 *
 * A profile that asks for a fixed name (`useUniqueFileName: false`) keeps it: then the path is
 * all there is to go by, and any upload the profile signs for that path can complete the file
 * there (give each user their own folder).
 */
export interface UploadBinding {
  /** This upload's random id: the key of its completion record. */
  id: string;
  /** The folder the file must be in, with a trailing slash, e.g. `/users/42/`. */
  folder: string;
  /** The stored name ends with this (the kit named the file). */
  nameSuffix?: string;
  /** The profile's own fixed name, as signed. */
  fixedName?: string;
}

const ID_LENGTH = 9;

/** Names the file (unless the profile fixed its name) and returns the fields to sign. */
export function bindUpload(fields: Record<string, string>): {
  fields: Record<string, string>;
  binding: UploadBinding;
} {
  const id = randomId(ID_LENGTH);
  const folder = withSlashes(fields.folder ?? "/");
  const fileName = fields.fileName ?? "file";
  if (fields.useUniqueFileName === "false") {
    return { fields, binding: { id, folder, fixedName: fileName } };
  }
  const { base, extension } = splitExtension(fileName);
  const nameSuffix = `_${id}${extension}`;
  return {
    fields: {
      ...fields,
      fileName: `${base}${nameSuffix}`,
      useUniqueFileName: "false",
      overwriteFile: "false",
    },
    binding: { id, folder, nameSuffix },
  };
}

/** `photo.PNG` → `photo` + `.PNG`; an extension is a dot and 1-16 letters or digits at the end. */
function splitExtension(name: string): { base: string; extension: string } {
  const match = /\.[A-Za-z0-9]{1,16}$/.exec(name);
  if (!match || match.index === 0) return { base: name, extension: "" };
  return { base: name.slice(0, match.index), extension: match[0] };
}

/**
 * True when the stored file is provably the one this binding's upload produced: named with this
 * upload's id (only the holder of these fields knew it before the upload, in whatever folder a
 * v1 upload put it), or, for a profile's fixed name, at the signed path.
 */
export function isBoundFile(file: { filePath: string }, binding: UploadBinding): boolean {
  const name = file.filePath.slice(file.filePath.lastIndexOf("/") + 1);
  if (binding.nameSuffix !== undefined) return name.endsWith(binding.nameSuffix);
  return inSignedFolder(file, binding) && canonical(name) === canonical(binding.fixedName ?? "");
}

/** True when the stored file is in the folder the upload was signed for. */
export function inSignedFolder(file: { filePath: string }, binding: UploadBinding): boolean {
  const folder = file.filePath.slice(0, file.filePath.lastIndexOf("/") + 1);
  return canonical(withSlashes(folder)) === canonical(binding.folder);
}

/** `users//42` → `/users/42/`: how ImageKit writes a folder in `filePath`. */
export function withSlashes(folder: string): string {
  const segments = folder.split("/").filter((segment) => segment !== "");
  return segments.length === 0 ? "/" : `/${segments.join("/")}/`;
}

/**
 * ImageKit replaces the characters it does not keep in names and folders with `_` (ASCII
 * letters, digits, `.`, `-` and `_` always stay; older docs keep other scripts' letters too).
 * Comparing in the form where every other character is `_` matches either reading.
 */
export function canonical(path: string): string {
  return path.replace(/[^A-Za-z0-9._/-]/g, "_");
}
