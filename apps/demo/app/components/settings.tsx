import type { Backend } from "../../lib/backend";
import styles from "./settings.module.css";

/** Which backend the demo talks to, and how: what a developer checks first. */
export function Settings({
  backend,
  uploadEndpoint,
  webhooks,
}: {
  backend: Backend;
  uploadEndpoint: string;
  webhooks: boolean;
}) {
  return (
    <details className={styles.settings}>
      <summary>Settings</summary>
      <dl className={styles.list}>
        <dt>Backend</dt>
        <dd>
          {backend.kind === "emulator"
            ? "Local ImageKit emulator (no keys set)"
            : "ImageKit.io (keys from the environment)"}
        </dd>
        <dt>URL endpoint</dt>
        <dd>
          <code>{backend.urlEndpoint}</code>
        </dd>
        <dt>Upload endpoint</dt>
        <dd>
          <code>{uploadEndpoint}</code>
        </dd>
        <dt>Signing</dt>
        <dd>v2 JWT: every option is bound into the token</dd>
        <dt>Webhooks</dt>
        <dd>
          {webhooks
            ? "Verified at /api/upload/webhook"
            : "Not configured (set IMAGEKIT_WEBHOOK_SECRET)"}
        </dd>
      </dl>
    </details>
  );
}
