import type { CustomMetadataFields, FieldSchema } from "../custom-metadata/custom-metadata-fields";
import { checkValue } from "../custom-metadata/validate-value";
import { ImageKitError, MESSAGES } from "../http/imagekit-error";
import type { MediaInfo } from "../media/media-info";
import { answerYesNo, factWords, matchesFacts } from "./image-facts";
import type { AITask, AITaskActions, ExtensionConfig, Scalar } from "./parse-extensions";

/** What the asset carries that AI tasks read and change. */
export interface TaggedValues {
  tags: string[] | null;
  customMetadata: Record<string, unknown>;
}

/**
 * Before anything is stored: every custom metadata field an `ai-tasks` names
 * (`select_metadata.field`, `set_metadata`, `unset_metadata`) must exist ("The field must exist in
 * your account"), and every `set_metadata` value must fit its field. Otherwise 400 `Your request
 * contains invalid extensions parameter.` (emulator choice).
 */
export function checkAITasks(fields: CustomMetadataFields, extensions: ExtensionConfig[]): void {
  const schemas = schemaMap(fields);
  const invalid = () => new ImageKitError(400, MESSAGES.invalidParameter("extensions"));
  for (const extension of extensions) {
    if (extension.name !== "ai-tasks") continue;
    for (const task of extension.tasks) {
      if (task.type === "select_metadata") {
        const schema = schemas.get(task.field);
        if (!schema) throw invalid();
        if (task.vocabulary?.some((value) => !fitsAsItem(schema, value))) throw invalid();
      }
      if (task.type !== "yes_no") continue;
      for (const actions of [task.on_yes, task.on_no, task.on_unknown]) {
        for (const { field, value } of actions?.set_metadata ?? []) {
          const schema = schemas.get(field);
          if (!schema || checkValue(schema, value) !== undefined) throw invalid();
        }
        for (const { field } of actions?.unset_metadata ?? [])
          if (!schemas.has(field)) throw invalid();
      }
    }
  }
}

/**
 * The `ai-tasks` stand-in (no AI runs): each task is answered from the image's facts (its dominant
 * colour, format, transparency and orientation, see `image-facts.ts`), in order, each seeing the
 * previous tasks' changes.
 *
 * - `select_tags` adds the vocabulary items that name a fact of the image, else the first item;
 *   padded in vocabulary order to `min_selections`, cut to `max_selections`. Without a vocabulary
 *   the image's fact words are the vocabulary.
 * - `select_metadata` sets the field the same way: `MultiSelect` gets the selection, other types
 *   its first item. Without a vocabulary: the field's `selectOptions`, or for `Text` /
 *   `Textarea` the fact words, `Number` the image width, `Boolean` the yes/no answer to the
 *   instruction, `Date` today.
 * - `yes_no` answers `yes` when every fact the instruction names holds, `no` when one does not,
 *   `unknown` when it names none (see `answerYesNo`), then applies `on_yes` / `on_no` /
 *   `on_unknown`: `add_tags`, `remove_tags`, `set_metadata`, `unset_metadata`.
 *
 * Returns the new values, or `undefined` when a result does not fit (a value its field refuses,
 * tags over 500 characters): the extension is then `failed` and nothing of it is applied.
 */
export function runAITasks(
  tasks: AITask[],
  media: MediaInfo,
  fields: CustomMetadataFields,
  current: TaggedValues,
): TaggedValues | undefined {
  const schemas = schemaMap(fields);
  const tags = [...(current.tags ?? [])];
  const metadata: Record<string, unknown> = structuredClone(current.customMetadata);
  const addTags = (added: string[]) => {
    for (const tag of added) if (!tags.includes(tag)) tags.push(tag);
  };

  for (const task of tasks) {
    switch (task.type) {
      case "select_tags":
        addTags(select(task.vocabulary ?? factWords(media), task, media).map(String));
        break;
      case "select_metadata": {
        const schema = schemas.get(task.field);
        if (!schema) return undefined;
        const value = metadataValue(task, schema, media);
        if (value === undefined || checkValue(schema, value) !== undefined) return undefined;
        metadata[task.field] = value;
        break;
      }
      case "yes_no": {
        const answer = answerYesNo(task.instruction, media);
        const actions: AITaskActions | undefined =
          answer === "yes" ? task.on_yes : answer === "no" ? task.on_no : task.on_unknown;
        addTags(actions?.add_tags ?? []);
        for (const tag of actions?.remove_tags ?? []) {
          const index = tags.indexOf(tag);
          if (index !== -1) tags.splice(index, 1);
        }
        for (const { field, value } of actions?.set_metadata ?? []) metadata[field] = value;
        for (const { field } of actions?.unset_metadata ?? []) delete metadata[field];
        break;
      }
    }
  }

  if (tags.join("").length > 500) return undefined;
  let customMetadata: Record<string, unknown>;
  try {
    // Required fields, read-only fields and every value, checked as an upload's are.
    customMetadata = fields.validateValues(metadata);
  } catch (error) {
    if (error instanceof ImageKitError) return undefined;
    throw error;
  }
  const before = current.tags ?? [];
  const changed = tags.length !== before.length || tags.some((tag, i) => tag !== before[i]);
  // "If no tags are set, it will be null."
  return { tags: changed ? (tags.length > 0 ? tags : null) : current.tags, customMetadata };
}

/** Vocabulary items naming a fact (else the first), padded to the minimum, cut to the maximum. */
function select<T extends Scalar>(
  vocabulary: readonly T[],
  limits: { min_selections?: number; max_selections?: number },
  media: MediaInfo,
): T[] {
  const matching = vocabulary.filter((item) => matchesFacts(item, media));
  const chosen = matching.length > 0 ? matching : vocabulary.slice(0, 1);
  for (const item of vocabulary) {
    if (chosen.length >= (limits.min_selections ?? 0)) break;
    if (!chosen.includes(item)) chosen.push(item);
  }
  return chosen.slice(0, limits.max_selections ?? chosen.length);
}

function metadataValue(
  task: Extract<AITask, { type: "select_metadata" }>,
  schema: FieldSchema,
  media: MediaInfo,
): unknown {
  const vocabulary: Scalar[] | undefined =
    task.vocabulary ??
    schema.selectOptions ??
    (schema.type === "Text" || schema.type === "Textarea" ? factWords(media) : undefined);
  if (vocabulary === undefined) {
    if (schema.type === "Number") return media.width ?? 0;
    if (schema.type === "Boolean") return answerYesNo(task.instruction, media) === "yes";
    if (schema.type === "Date") return new Date().toISOString().slice(0, 10);
    return undefined;
  }
  if (schema.type === "MultiSelect") return select(vocabulary, task, media);
  return select(vocabulary, { ...task, max_selections: 1 }, media)[0];
}

/** A `select_metadata` vocabulary item is one value of the field (a MultiSelect's: one option). */
function fitsAsItem(schema: FieldSchema, value: Scalar): boolean {
  return checkValue(schema, schema.type === "MultiSelect" ? [value] : value) === undefined;
}

function schemaMap(fields: CustomMetadataFields): Map<string, FieldSchema> {
  return new Map(fields.list().map((field) => [field.name, field.schema]));
}
