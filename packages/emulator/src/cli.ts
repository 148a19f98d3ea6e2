#!/usr/bin/env node
import { parseArgs } from "node:util";
import { createEmulator } from "./create-emulator";
import type { EmulatorOptions, PlanName } from "./options";

const HELP = `upkit-emulator: a local ImageKit.io

Options (each also read from the environment variable shown; flags win):
  --port <n>             EMULATOR_PORT           default 4500
  --host <host>          EMULATOR_HOST           default 127.0.0.1
  --dir <path>           EMULATOR_DIR            default .upkit-emulator
  --private-key <key>    IMAGEKIT_PRIVATE_KEY    default private_emulator_key
  --public-key <key>     IMAGEKIT_PUBLIC_KEY     default public_emulator_key
  --url-endpoint <url>   IMAGEKIT_URL_ENDPOINT   default http://localhost:<port>/upkit-demo
  --plan <name>          EMULATOR_PLAN           free, lite or pro; default lite
                         (free 25 MB / 100 MB video, lite 40 MB / 300 MB, pro 50 MB / 2 GB;
                         1 MB = 1,000,000 bytes)
  --max-file-size <b>    EMULATOR_MAX_FILE_SIZE  bytes, default the plan's (lite: 40000000)
  --max-video-size <b>   EMULATOR_MAX_VIDEO_SIZE bytes, default the plan's (lite: 300000000)
  --webhook-url <url>    EMULATOR_WEBHOOK_URL    account webhook endpoint, default none
  --webhook-secret <s>   IMAGEKIT_WEBHOOK_SECRET default whsec_emulator_secret
  --legacy-webhooks      EMULATOR_LEGACY_WEBHOOKS=1  sign with x-ik-signature
  --async-delay <ms>     EMULATOR_ASYNC_DELAY_MS default 500
  --quiet                no request log
  --help
`;

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    dir: { type: "string" },
    "private-key": { type: "string" },
    "public-key": { type: "string" },
    "url-endpoint": { type: "string" },
    plan: { type: "string" },
    "max-file-size": { type: "string" },
    "max-video-size": { type: "string" },
    "webhook-url": { type: "string" },
    "webhook-secret": { type: "string" },
    "legacy-webhooks": { type: "boolean" },
    "async-delay": { type: "string" },
    quiet: { type: "boolean" },
    help: { type: "boolean" },
  },
});

if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

/** Bytes in SI units, as ImageKit's plans state them: 40000000 is "40 MB", 2e9 "2 GB". */
const mb = (bytes: number) =>
  bytes >= 1e9
    ? `${Number((bytes / 1e9).toPrecision(6))} GB`
    : `${Number((bytes / 1e6).toPrecision(6))} MB`;
const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const options: EmulatorOptions = {
  port: number(values.port),
  host: values.host,
  dataDir: values.dir,
  privateKey: values["private-key"],
  publicKey: values["public-key"],
  urlEndpoint: values["url-endpoint"],
  plan: values.plan as PlanName | undefined,
  maxFileSize: number(values["max-file-size"]),
  maxVideoSize: number(values["max-video-size"]),
  webhookUrl: values["webhook-url"],
  webhookSecret: values["webhook-secret"],
  legacyWebhookSignature: values["legacy-webhooks"],
  asyncDelayMs: number(values["async-delay"]),
  log: !values.quiet,
};
// Unset flags fall through to the environment and the defaults.
for (const key of Object.keys(options) as (keyof EmulatorOptions)[])
  if (options[key] === undefined) delete options[key];

try {
  const emulator = await createEmulator(options);
  console.log(`ImageKit emulator at ${emulator.url}
  upload API     ${emulator.url}/api/v1/files/upload  (v2: ${emulator.url}/api/v2/files/upload)
  file API       ${emulator.url}/v1/files
  URL endpoint   ${emulator.urlEndpoint}
  public key     ${emulator.publicKey}
  private key    ${emulator.privateKey}
  limits         ${emulator.limits.plan} plan: ${mb(emulator.limits.maxFileSize)} per file, ${mb(emulator.limits.maxVideoSize)} per video
  data           ${emulator.dataDir}
emulator ready`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
