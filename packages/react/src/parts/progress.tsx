import type { UploaderTotals, UploadFile } from "@upkit/core";
import { formatFileSize } from "@upkit/core";
import type { HTMLAttributes } from "react";
import { formatDuration, formatPercent } from "../format-duration";
import type { UploaderMessages } from "../messages";
import {
  partProps,
  type UploaderClassNames,
  useFileItem,
  useUploaderContext,
  useUploaderUi,
} from "../uploader-context";
import { isForwarding } from "./status";

interface BarProps {
  label: string;
  progress: number;
  text: string;
  state: string;
  classNames: UploaderClassNames;
}

function Bar({ label, progress, text, state, classNames }: BarProps) {
  const value = Math.round(Math.min(1, Math.max(0, progress)) * 100);
  return (
    <>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={value}
        aria-valuetext={text}
        {...partProps("progress-track", classNames, state)}
      >
        <div
          {...partProps("progress-bar", classNames, state)}
          style={{ transform: `scaleX(${value / 100})` }}
        />
      </div>
      <span {...partProps("progress-text", classNames, state)}>{text}</span>
    </>
  );
}

function rate(
  messages: UploaderMessages,
  locale: string | undefined,
  active: boolean,
  speed: number,
  eta: number | undefined,
) {
  return {
    speed:
      active && speed > 0 ? messages.speed({ size: formatFileSize(speed, locale) }) : undefined,
    eta:
      active && eta !== undefined && Number.isFinite(eta)
        ? messages.eta({ duration: formatDuration(eta, locale) })
        : undefined,
  };
}

export interface ProgressProps extends HTMLAttributes<HTMLDivElement> {
  /** Default: the surrounding `<Uploader.FileItem>`'s file. */
  file?: UploadFile;
}

/**
 * A file's progress: a `progressbar` named after the file (0 to 100), and a text with the
 * percentage, speed and time left; while tus forwards the file to ImageKit, that leg's progress.
 * `data-state`: the file's status, or `forwarding`.
 */
export function Progress({ file: fileProp, className, ...props }: ProgressProps) {
  const file = useFileItem(fileProp);
  const { messages, classNames, locale } = useUploaderUi();
  const forwarding = isForwarding(file);
  const progress = forwarding
    ? file.size > 0
      ? (file.forwardedBytes ?? 0) / file.size
      : 0
    : file.progress;
  const state = forwarding ? "forwarding" : file.status;
  const text = messages.progressText({
    percent: formatPercent(progress, locale),
    ...rate(messages, locale, file.status === "uploading", file.speed, file.eta),
  });
  return (
    <div {...props} {...partProps("progress", classNames, state, className)}>
      <Bar
        label={messages.progressLabel({ name: file.name })}
        progress={progress}
        text={text}
        state={state}
        classNames={classNames}
      />
    </div>
  );
}

/**
 * The share of the counted bytes that are stored or on their way. The engine's
 * `totals.progress` counts every byte sent, those of failed files too: a failed proxy upload
 * sent them all, and the bar would stand full.
 */
function landedProgress(files: readonly UploadFile[], totals: UploaderTotals): number {
  if (totals.failed === 0) return totals.progress;
  let lost = 0;
  for (const file of files) if (file.status === "error") lost += file.bytesSent;
  return totals.bytes > 0 ? (totals.bytesSent - lost) / totals.bytes : 0;
}

/**
 * The progress of every file counted in the totals (bytes-weighted; a failed file's bytes count
 * as not uploaded), with how many are uploaded and failed, and the percentage, speed and time
 * left while some are still on their way. Renders nothing before the first file. `data-state`:
 * `uploading`, `error` (some failed), `success` (all done) or `idle`.
 */
export function TotalProgress({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  const { files, totals, isUploading } = useUploaderContext();
  const { messages, classNames, locale } = useUploaderUi();
  if (totals.files === 0) return null;
  const state = isUploading
    ? "uploading"
    : totals.failed > 0
      ? "error"
      : totals.succeeded === totals.files
        ? "success"
        : "idle";
  const progress = landedProgress(files, totals);
  // Once every file is uploaded or failed, the counts say it all.
  const finished = totals.succeeded + totals.failed === totals.files;
  const text = messages.totalText({
    done: totals.succeeded,
    failed: totals.failed,
    total: totals.files,
    ...(finished ? {} : { percent: formatPercent(progress, locale) }),
    ...rate(messages, locale, isUploading, totals.speed, totals.eta),
  });
  return (
    <div {...props} {...partProps("total-progress", classNames, state, className)}>
      <Bar
        label={messages.totalProgressLabel}
        progress={progress}
        text={text}
        state={state}
        classNames={classNames}
      />
    </div>
  );
}
