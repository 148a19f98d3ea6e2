import type { EmulatorContext } from "../context";
import type { ListQuery } from "../storage/file-repository";
import { listFolders, parentOf, toFolderObject } from "./folders";
import type { ListRequest } from "./list-request";
import { fileAsset, folderAsset, type SearchableAsset } from "./searchable-asset";
import { toFileObject } from "./to-file-object";

/** A listed file or folder: what the search and the sort read, and its answer object. */
interface Entry {
  asset: SearchableAsset;
  render: () => Record<string, unknown>;
}

function fileEntries(ctx: EmulatorContext, query: ListQuery): Entry[] {
  return ctx.files.list(query).flatMap((file) => {
    const version = ctx.files.version(file.currentVersion);
    if (!version) return [];
    return [{ asset: fileAsset(file, version), render: () => toFileObject(ctx, file, version) }];
  });
}

/** Folders directly in `path` (all without one); none when `tags` asks for tagged assets. */
function folderEntries(ctx: EmulatorContext, query: ListQuery): Entry[] {
  if (query.tags?.length) return [];
  return listFolders(ctx.db)
    .filter((folder) => query.path === undefined || parentOf(folder.path) === query.path)
    .map((folder) => ({ asset: folderAsset(folder), render: () => toFolderObject(folder) }));
}

type SortKey = (asset: SearchableAsset) => string | number | undefined;

const SORT_KEYS: Readonly<Record<string, SortKey>> = {
  CREATED: (a) => a.createdAt,
  UPDATED: (a) => a.updatedAt,
  NAME: (a) => a.name,
  SIZE: (a) => a.size,
  HEIGHT: (a) => a.height,
  WIDTH: (a) => a.width,
};

/** As SQLite orders them: no value first, text by its UTF-8 bytes. */
function compareKeys(x: string | number | undefined, y: string | number | undefined): number {
  if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? -1 : 1;
  if (typeof x === "string" && typeof y === "string")
    return Buffer.compare(Buffer.from(x), Buffer.from(y));
  return Number(x) - Number(y);
}

/**
 * Folders sorted in among the files by the same key. The files come in SQL's order and the sort
 * is stable, so their ties stay as SQL broke them.
 */
function sortEntries(entries: Entry[], sort: ListQuery["sort"] = "ASC_CREATED"): Entry[] {
  const [direction, field = "CREATED"] = sort.split("_");
  const key = SORT_KEYS[field] as SortKey;
  const sign = direction === "DESC" ? -1 : 1;
  return [...entries].sort((a, b) => sign * compareKeys(key(a.asset), key(b.asset)));
}

/**
 * `GET /v1/files`: without a search or folders, SQL filters and pages; otherwise every
 * candidate is read, searched, sorted with the folders, then `skip` / `limit` apply.
 */
export function listAssets(ctx: EmulatorContext, request: ListRequest): Record<string, unknown>[] {
  const { query, types, match } = request;
  const withFolders = types.has("folder");
  if (!match && !withFolders) return fileEntries(ctx, query).map((entry) => entry.render());
  const files = types.has("file")
    ? fileEntries(ctx, { ...query, skip: 0, limit: Number.MAX_SAFE_INTEGER })
    : [];
  const entries = withFolders
    ? sortEntries([...files, ...folderEntries(ctx, query)], query.sort)
    : files;
  return entries
    .filter((entry) => !match || match(entry.asset))
    .slice(query.skip, query.skip + query.limit)
    .map((entry) => entry.render());
}
