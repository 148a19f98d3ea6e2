"use client";

import styles from "./gallery.module.css";
import { useProcessingState } from "./use-processing-state";

/** `thumbnail:w-150,h-150` → `thumbnail`: the kind of step is what a visitor cares about. */
const stepName = (key: string) => key.split(":")[0] || key;

/** A gallery file's post-transformations in words: processing, done or failed. */
export function ProcessingStateText({ fileId, signedIn }: { fileId: string; signedIn: boolean }) {
  const { data, isError } = useProcessingState(fileId, signedIn);
  if (!signedIn) return <span className={styles.muted}>sign in to see</span>;
  if (isError) return <span className={styles.muted}>unavailable</span>;
  if (!data) return <span className={styles.muted}>checking…</span>;
  const steps = [
    ...data.pending.map((key) => ({ key, state: "pending", text: "processing…" })),
    ...data.failed.map((key) => ({ key, state: "failed", text: "failed" })),
    ...data.done.map((key) => ({ key, state: "done", text: "done" })),
  ];
  // Nothing asked and no webhook seen: a file from before this server started, or elsewhere.
  if (steps.length === 0) return <span className={styles.muted}>not known to this server</span>;
  return (
    <>
      {steps.map(({ key, state, text }) => (
        <span key={key} className={styles.step} data-state={state}>
          {stepName(key)} {text}
        </span>
      ))}
    </>
  );
}
