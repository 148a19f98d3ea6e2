import { ImageKitError, MESSAGES } from "../http/imagekit-error";

/**
 * The `extensions` ImageKit documents, as its newest Node SDK types them (`@imagekit/nodejs`
 * 7.11 `resources/shared.ts`, `Extensions` and `ExtensionConfig`).
 */

export type Scalar = string | number | boolean;

/** What a `yes_no` task does for one answer (`on_yes`, `on_no`, `on_unknown`). */
export interface AITaskActions {
  add_tags?: string[];
  remove_tags?: string[];
  set_metadata?: { field: string; value: Scalar | Scalar[] }[];
  unset_metadata?: { field: string }[];
}

export type AITask =
  | {
      type: "select_tags";
      instruction: string;
      vocabulary?: string[];
      min_selections?: number;
      max_selections?: number;
    }
  | {
      type: "select_metadata";
      instruction: string;
      field: string;
      vocabulary?: Scalar[];
      min_selections?: number;
      max_selections?: number;
    }
  | {
      type: "yes_no";
      instruction: string;
      on_yes?: AITaskActions;
      on_no?: AITaskActions;
      on_unknown?: AITaskActions;
    };

/** An extension that runs: every kind but a `saved-extension` reference (`ExtensionConfig`). */
export type ExtensionConfig =
  | { name: "remove-bg"; options?: Record<string, unknown> }
  | { name: "google-auto-tagging" | "aws-auto-tagging"; maxTags: number; minConfidence: number }
  | { name: "ai-auto-description" }
  | { name: "ai-tasks"; tasks: AITask[] };

/** An item of the upload's `extensions`: a config, or a saved extension by its id. */
export type Extension = ExtensionConfig | { name: "saved-extension"; id: string };

export type ExtensionName = ExtensionConfig["name"];

/** At most this many tasks in one `ai-tasks` (ImageKit's "AI Tasks" skill: "1-10 sub-tasks"). */
export const MAX_AI_TASKS = 10;
/** `select_tags` vocabularies: the tag rules, "combined length ... must not exceed 500". */
const MAX_VOCABULARY_CHARS = 500;

class Invalid extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string =>
  typeof value === "string" && value.trim() !== "";
const isScalar = (value: unknown): value is Scalar =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean";

function check(condition: unknown): asserts condition {
  if (!condition) throw new Invalid();
}

/** A tag as the upload's `tags` takes it: not empty, no `%`, no `,` (the list separator). */
const isTag = (value: unknown): value is string =>
  isText(value) && !value.includes("%") && !value.includes(",");

function optionalCount(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  check(typeof value === "number" && Number.isInteger(value) && value >= 0);
  return value;
}

function selections(item: Record<string, unknown>) {
  const min = optionalCount(item.min_selections);
  const max = optionalCount(item.max_selections);
  check(max === undefined || max >= 1);
  check(min === undefined || max === undefined || min <= max);
  return {
    ...(min === undefined ? {} : { min_selections: min }),
    ...(max === undefined ? {} : { max_selections: max }),
  };
}

function parseActions(value: unknown): AITaskActions | undefined {
  if (value === undefined) return undefined;
  check(isObject(value));
  const actions: AITaskActions = {};
  for (const key of ["add_tags", "remove_tags"] as const) {
    const tags = value[key];
    if (tags === undefined) continue;
    check(Array.isArray(tags) && tags.every(isTag));
    actions[key] = tags.map((tag) => tag.trim());
  }
  if (value.set_metadata !== undefined) {
    check(Array.isArray(value.set_metadata));
    actions.set_metadata = value.set_metadata.map((entry: unknown) => {
      check(isObject(entry) && isText(entry.field));
      const v = entry.value;
      check(isScalar(v) || (Array.isArray(v) && v.every(isScalar)));
      return { field: entry.field, value: v };
    });
  }
  if (value.unset_metadata !== undefined) {
    check(Array.isArray(value.unset_metadata));
    actions.unset_metadata = value.unset_metadata.map((entry: unknown) => {
      check(isObject(entry) && isText(entry.field));
      return { field: entry.field };
    });
  }
  return actions;
}

function parseTask(item: unknown): AITask {
  check(isObject(item) && isText(item.instruction));
  const instruction = item.instruction;
  switch (item.type) {
    case "select_tags": {
      const vocabulary = item.vocabulary;
      if (vocabulary !== undefined) {
        check(Array.isArray(vocabulary) && vocabulary.length > 0 && vocabulary.every(isTag));
        check(vocabulary.join("").length <= MAX_VOCABULARY_CHARS);
      }
      return {
        type: "select_tags",
        instruction,
        ...(vocabulary === undefined ? {} : { vocabulary: vocabulary as string[] }),
        ...selections(item),
      };
    }
    case "select_metadata": {
      check(isText(item.field));
      const vocabulary = item.vocabulary;
      if (vocabulary !== undefined)
        check(Array.isArray(vocabulary) && vocabulary.length > 0 && vocabulary.every(isScalar));
      return {
        type: "select_metadata",
        instruction,
        field: item.field,
        ...(vocabulary === undefined ? {} : { vocabulary: vocabulary as Scalar[] }),
        ...selections(item),
      };
    }
    case "yes_no": {
      const on_yes = parseActions(item.on_yes);
      const on_no = parseActions(item.on_no);
      const on_unknown = parseActions(item.on_unknown);
      // ImageKit's "AI Tasks" skill: "yes_no tasks: Must have at least one of on_yes or on_no".
      check(on_yes !== undefined || on_no !== undefined);
      return {
        type: "yes_no",
        instruction,
        ...(on_yes ? { on_yes } : {}),
        ...(on_no ? { on_no } : {}),
        ...(on_unknown ? { on_unknown } : {}),
      };
    }
    default:
      throw new Invalid();
  }
}

function parseItem(item: unknown, allowSaved: boolean): Extension {
  check(isObject(item) && typeof item.name === "string");
  switch (item.name) {
    case "remove-bg":
      check(item.options === undefined || isObject(item.options));
      return { name: "remove-bg", ...(item.options ? { options: item.options } : {}) };
    case "google-auto-tagging":
    case "aws-auto-tagging": {
      const { maxTags, minConfidence } = item;
      check(
        typeof maxTags === "number" &&
          typeof minConfidence === "number" &&
          maxTags >= 1 &&
          minConfidence >= 0 &&
          minConfidence <= 100,
      );
      return { name: item.name, maxTags, minConfidence };
    }
    case "ai-auto-description":
      return { name: "ai-auto-description" };
    case "ai-tasks":
      check(
        Array.isArray(item.tasks) && item.tasks.length > 0 && item.tasks.length <= MAX_AI_TASKS,
      );
      return { name: "ai-tasks", tasks: item.tasks.map(parseTask) };
    case "saved-extension":
      check(allowSaved && isText(item.id));
      return { name: "saved-extension", id: item.id };
    default:
      throw new Invalid();
  }
}

/**
 * The upload's `extensions` (already JSON-parsed): an array of documented extensions, each with
 * its documented options. Anything else: 400 `Your request contains invalid extensions
 * parameter.` (emulator choice: ImageKit documents no message).
 */
export function parseExtensions(value: unknown): Extension[] {
  try {
    check(Array.isArray(value));
    return value.map((item) => parseItem(item, true));
  } catch (error) {
    if (error instanceof Invalid)
      throw new ImageKitError(400, MESSAGES.invalidParameter("extensions"));
    throw error;
  }
}

/**
 * A saved extension's `config`: one extension, not itself a `saved-extension` ("base extensions
 * only, not saved extension references"). `undefined` when it is not one.
 */
export function parseExtensionConfig(value: unknown): ExtensionConfig | undefined {
  try {
    return parseItem(value, false) as ExtensionConfig;
  } catch (error) {
    if (error instanceof Invalid) return undefined;
    throw error;
  }
}
