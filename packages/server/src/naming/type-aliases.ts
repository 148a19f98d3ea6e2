/** Other names browsers and servers give the types file-type reports. */
export const MIME_ALIASES: Record<string, string[]> = {
  "image/jpeg": ["image/jpg", "image/pjpeg"],
  "image/apng": ["image/png"],
  "image/x-icon": ["image/vnd.microsoft.icon"],
  "image/heic": ["image/heif"],
  "image/heif": ["image/heic"],
  "video/vnd.avi": ["video/avi", "video/x-msvideo"],
  "video/matroska": ["video/x-matroska", "audio/x-matroska"],
  // Audio-only files in these containers are detected as the video type.
  "video/webm": ["audio/webm"],
  "video/mp4": ["audio/mp4"],
  "video/ogg": ["audio/ogg", "application/ogg"],
  "audio/ogg": ["application/ogg"],
  "video/x-m4v": ["video/mp4"],
  "audio/x-m4a": ["audio/mp4", "audio/m4a"],
  "audio/wav": ["audio/x-wav", "audio/wave", "audio/vnd.wave"],
  "audio/aiff": ["audio/x-aiff"],
  "audio/flac": ["audio/x-flac"],
  "audio/mpeg": ["audio/mp3"],
  "application/zip": ["application/x-zip-compressed"],
  "application/gzip": ["application/x-gzip"],
  "application/x-rar-compressed": ["application/vnd.rar"],
};

/** Other extensions of the formats file-type reports (it names one per format). */
export const EXTENSION_ALIASES: Record<string, string[]> = {
  jpg: ["jpeg", "jpe", "jfif", "jif", "pjpeg", "pjp"],
  apng: ["png"],
  tif: ["tiff"],
  heic: ["heif"],
  heif: ["heic"],
  mid: ["midi"],
  mpg: ["mpeg", "mpe"],
  mov: ["qt"],
  mp4: ["m4v", "m4a"],
  m4v: ["mp4"],
  m4a: ["mp4"],
  mkv: ["mka", "mk3d"],
  aif: ["aiff", "aifc"],
  ogg: ["oga", "ogv"],
  oga: ["ogg"],
  ogv: ["ogg"],
  opus: ["ogg"],
  gz: ["tgz"],
};

/**
 * A generic container whose specific kind may lie beyond the bytes a detector reads (a .docx whose
 * `[Content_Types].xml` is not its first entry reads as plain zip, a .doc as an OLE compound
 * file), and the formats that live in it.
 */
export interface Container {
  /** The extensions of the formats living in it: lower case, without the dot. */
  extensions: readonly string[];
  /** The MIME types of the formats living in it. */
  types: RegExp;
  /**
   * Told by its magic number. XML is not: it is text, told by its prolog. ImageKit types text by
   * the file's extension, so only binary containers can stand for a format in its checks.
   */
  binary: boolean;
}

/** The containers a detector may report instead of the format inside, by the type it reports. */
export const CONTAINERS: Readonly<Record<string, Container>> = {
  "application/zip": {
    extensions: [
      ...["docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm"],
      ...["pptx", "pptm", "potx", "potm", "ppsx", "ppsm", "vsdx"],
      ...["odt", "ods", "odp", "odg", "ott", "ots", "otp", "otg"],
      ...["epub", "jar", "apk", "xpi", "kmz", "3mf", "ipa"],
    ],
    types:
      /^(application\/(vnd\.openxmlformats-officedocument\..+|vnd\.oasis\.opendocument\..+|vnd\.ms-[a-z]+\.[a-z.]*macroenabled\.12|epub\+zip|java-archive|vnd\.android\.package-archive|x-xpinstall|vnd\.google-earth\.kmz|vnd\.visio)|model\/3mf)$/,
    binary: true,
  },
  "application/x-cfb": {
    extensions: ["doc", "dot", "xls", "xlt", "ppt", "pot", "pps", "msi", "msg", "vsd", "pub"],
    types: /^application\/(msword|vnd\.ms-(excel|powerpoint|outlook|publisher)|x-msi|vnd\.visio)$/,
    binary: true,
  },
  "application/xml": {
    extensions: ["xml", "svg", "xsd", "xsl", "xslt", "kml", "gpx", "rss", "atom", "xhtml", "plist"],
    types: /^[a-z]+\/([a-z0-9.+-]+\+)?xml$/,
    binary: false,
  },
};

/** `text/plain; charset=utf-8` → `text/plain`, lower case. */
export function baseType(type: string): string {
  return (type.split(";")[0] ?? "").trim().toLowerCase();
}
