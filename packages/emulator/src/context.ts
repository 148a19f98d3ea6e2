import type { CustomMetadataFields } from "./custom-metadata/custom-metadata-fields";
import type { SavedExtensions } from "./extensions/saved-extensions";
import type { Jobs } from "./jobs";
import type { ResolvedOptions } from "./options";
import type { BlobStore } from "./storage/blob-store";
import type { Database } from "./storage/database";
import type { FileRepository } from "./storage/file-repository";
import type { TokenLedger } from "./storage/token-ledger";
import type { WebhookSender } from "./webhooks/webhook-sender";

/** What every handler gets: the resolved options and the emulator's state. */
export interface EmulatorContext {
  options: ResolvedOptions;
  /** The URL endpoint's path (e.g. `/upkit-demo`): the file server answers below it. */
  urlPath: string;
  db: Database;
  files: FileRepository;
  tokens: TokenLedger;
  blobs: BlobStore;
  customMetadata: CustomMetadataFields;
  savedExtensions: SavedExtensions;
  webhooks: WebhookSender;
  jobs: Jobs;
}
