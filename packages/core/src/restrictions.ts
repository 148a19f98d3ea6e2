import { z } from "zod";
import { type FileSize, parseFileSize } from "./parse-file-size";

/** What a profile allows, as the server's configuration writes it (`"25MB"`-style sizes). */
export interface Restrictions {
  maxFileSize?: FileSize;
  minFileSize?: FileSize;
  /** MIME patterns (`image/*`, `application/pdf`) and extensions (`.pdf`); any may match. */
  accept?: string[];
  /** Files per upload batch. */
  maxFiles?: number;
}

/** Restrictions as published to the browser by `GET {base}/config`: sizes in bytes. */
export const publicRestrictionsSchema = z.object({
  maxFileSize: z.number().int().positive().optional(),
  minFileSize: z.number().int().nonnegative().optional(),
  accept: z.array(z.string().min(1)).optional(),
  maxFiles: z.number().int().positive().optional(),
});
export type PublicRestrictions = z.infer<typeof publicRestrictionsSchema>;

export function resolveRestrictions(restrictions: Restrictions = {}): PublicRestrictions {
  const accept = restrictions.accept?.map((pattern) => pattern.trim().toLowerCase());
  for (const pattern of accept ?? []) {
    if (!/^(\.[a-z0-9]+|[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+))$/.test(pattern)) {
      throw new TypeError(
        `Invalid accept pattern: "${pattern}" (expected e.g. "image/*", "application/pdf" or ".pdf")`,
      );
    }
  }
  if (
    restrictions.maxFiles !== undefined &&
    (!Number.isInteger(restrictions.maxFiles) || restrictions.maxFiles < 1)
  ) {
    throw new TypeError(`Invalid maxFiles: ${restrictions.maxFiles}`);
  }
  return publicRestrictionsSchema.parse({
    maxFileSize:
      restrictions.maxFileSize === undefined ? undefined : parseFileSize(restrictions.maxFileSize),
    minFileSize:
      restrictions.minFileSize === undefined ? undefined : parseFileSize(restrictions.minFileSize),
    accept,
    maxFiles: restrictions.maxFiles,
  });
}
