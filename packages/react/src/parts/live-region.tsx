import { type HTMLAttributes, useState } from "react";
import { partProps, useUploaderUi } from "../uploader-context";
import { Announcer } from "./lazy-parts";

// Visually hidden but read: inline, so it holds without styles.css.
const HIDDEN = {
  position: "absolute",
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
} as const;

/**
 * A polite live region announcing files added, rejected, uploaded and failed (one sentence per
 * kind of change, so 1,000 files make one announcement). `data-state`: `announcing` or `idle`.
 */
export function LiveRegion({ className, style, ...props }: HTMLAttributes<HTMLDivElement>) {
  const { classNames } = useUploaderUi();
  const [text, setText] = useState("");
  return (
    <div
      role="status"
      aria-live="polite"
      {...props}
      {...partProps("live-region", classNames, text ? "announcing" : "idle", className)}
      style={{ ...HIDDEN, ...style }}
    >
      {text}
      <Announcer onAnnounce={setText} />
    </div>
  );
}
