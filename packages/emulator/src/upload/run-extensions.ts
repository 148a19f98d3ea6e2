import type { EmulatorContext } from "../context";
import { toFileObject } from "../files/to-file-object";
import type { MediaInfo } from "../media/media-info";
import type { AITag, FileRecord } from "../storage/file-repository";
import type { Extension } from "./parse-upload-fields";

export interface ExtensionOutcome {
  status: Record<string, "success" | "pending" | "failed">;
  AITags: AITag[] | null;
  description: string | undefined;
  /** Work that finishes after the response (remove-bg): run once the file is stored. */
  later: ((file: FileRecord) => void)[];
}

/**
 * Deterministic stand-ins for ImageKit's extensions (emulator choice; no AI runs here):
 * auto-tagging tags an image with its dominant colour and format; ai-auto-description writes a
 * sentence from the same facts; remove-bg is `pending`, then `success` after `asyncDelayMs`, with
 * the documented callback to `webhookUrl`; ai-tasks and saved-extension succeed without changes.
 */
export function runExtensions(
  ctx: EmulatorContext,
  extensions: Extension[],
  media: MediaInfo,
  webhookUrl: string | undefined,
): ExtensionOutcome {
  const outcome: ExtensionOutcome = { status: {}, AITags: null, description: undefined, later: [] };
  const isImage = media.fileType === "image";
  for (const extension of extensions) {
    switch (extension.name) {
      case "google-auto-tagging":
      case "aws-auto-tagging": {
        if (!isImage) {
          outcome.status[extension.name] = "failed";
          break;
        }
        const candidates: AITag[] = [
          {
            name: capitalize(media.dominantColor ?? "Colorful"),
            confidence: 96.5,
            source: extension.name,
          },
          {
            name: media.hasAlpha ? "Transparent" : "Opaque",
            confidence: 92.1,
            source: extension.name,
          },
          {
            name: capitalize(media.mime.split("/")[1] ?? "image"),
            confidence: 88.4,
            source: extension.name,
          },
          {
            name: (media.width ?? 0) >= (media.height ?? 0) ? "Landscape" : "Portrait",
            confidence: 81.7,
            source: extension.name,
          },
        ];
        const tags = candidates
          .filter((tag) => tag.confidence >= extension.minConfidence)
          .slice(0, extension.maxTags);
        outcome.AITags = [...(outcome.AITags ?? []), ...tags];
        outcome.status[extension.name] = "success";
        break;
      }
      case "ai-auto-description":
        outcome.description = isImage
          ? `A ${media.dominantColor ?? "colourful"} ${media.mime.split("/")[1] ?? "image"} image, ${media.width ?? "?"} by ${media.height ?? "?"} pixels.`
          : `A ${media.mime} file.`;
        outcome.status[extension.name] = "success";
        break;
      case "remove-bg":
        if (!isImage) {
          outcome.status[extension.name] = "failed";
          break;
        }
        outcome.status[extension.name] = "pending";
        outcome.later.push((file) => {
          ctx.jobs.later(ctx.options.asyncDelayMs, async () => {
            if (!webhookUrl) return;
            const current = ctx.files.findById(file.id);
            const version = current && ctx.files.version(current.currentVersion);
            if (!current || !version) return;
            ctx.webhooks.send(webhookUrl, {
              service: "remove-bg",
              status: "SUCCESS",
              fileObject: toFileObject(ctx, current, version),
            });
          });
        });
        break;
      case "ai-tasks":
      case "saved-extension":
        outcome.status[extension.name] = "success";
        break;
    }
  }
  return outcome;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
