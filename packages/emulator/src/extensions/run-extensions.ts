import type { EmulatorContext } from "../context";
import { toFileObject } from "../files/to-file-object";
import type { MediaInfo } from "../media/media-info";
import type { AITag, FileRecord } from "../storage/file-repository";
import type { ExtensionConfig, ExtensionName } from "./parse-extensions";
import { runAITasks, type TaggedValues } from "./run-ai-tasks";

export type ExtensionStatus = "success" | "pending" | "failed";

export interface ExtensionOutcome {
  /** `extensionStatus`, keyed by extension name (a saved extension reports under its own). */
  status: Partial<Record<ExtensionName, ExtensionStatus>>;
  AITags: AITag[] | null;
  description: string | undefined;
  /** The asset's tags and custom metadata once `ai-tasks` ran (as given when none did). */
  values: TaggedValues;
  /** Work that finishes after the response (remove-bg): run once the file is stored. */
  later: ((file: FileRecord) => void)[];
}

/**
 * Deterministic stand-ins for ImageKit's extensions (emulator choice; no AI runs here):
 * auto-tagging tags an image with its dominant colour and format; ai-auto-description writes a
 * sentence from the same facts; ai-tasks answers its tasks from them (`runAITasks`), changing
 * the asset's tags and custom metadata; remove-bg is `pending`, then `success` after
 * `asyncDelayMs`, with the documented callback to `webhookUrl`. Auto-tagging, ai-tasks and
 * remove-bg are `failed` on a file that is not an image. `extensions` are already resolved: no
 * `saved-extension` is left.
 */
export function runExtensions(
  ctx: EmulatorContext,
  extensions: ExtensionConfig[],
  media: MediaInfo,
  webhookUrl: string | undefined,
  current: TaggedValues,
): ExtensionOutcome {
  const outcome: ExtensionOutcome = {
    status: {},
    AITags: null,
    description: undefined,
    values: current,
    later: [],
  };
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
      case "ai-tasks": {
        const values = isImage
          ? runAITasks(extension.tasks, media, ctx.customMetadata, outcome.values)
          : undefined;
        if (values) outcome.values = values;
        outcome.status[extension.name] = values ? "success" : "failed";
        break;
      }
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
    }
  }
  return outcome;
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
