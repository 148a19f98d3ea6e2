import { createFieldResolver, type FieldContext, type FieldResolver } from "./search-fields";
import type { PositiveOp } from "./search-matchers";
import { type Comparison, invalidSearchQuery, type SearchNode } from "./search-query";
import type { SearchableAsset } from "./searchable-asset";

export type AssetPredicate = (asset: SearchableAsset) => boolean;

export type { FieldContext } from "./search-fields";

function compileComparison(node: Comparison, resolve: FieldResolver): AssetPredicate {
  const field = resolve(node.field, node.quotedField, node.fieldAt);
  if (!field.ops.includes(node.op))
    throw invalidSearchQuery(
      `${node.field} cannot be compared with ${node.op} (use ${field.ops.join(", ")})`,
      node.opAt,
    );
  // NOT =, NOT IN and NOT EXISTS hold exactly where the same comparison without NOT fails.
  const negated = node.op.startsWith("NOT ");
  const test = field.matcher(node.op.replace(/^NOT /, "") as PositiveOp, node.values);
  return (asset) => test(field.read(asset)) !== negated;
}

function compileNode(node: SearchNode, resolve: FieldResolver): AssetPredicate {
  if (node.kind === "comparison") return compileComparison(node, resolve);
  const parts = node.operands.map((operand) => compileNode(operand, resolve));
  return node.kind === "and"
    ? (asset) => parts.every((part) => part(asset))
    : (asset) => parts.some((part) => part(asset));
}

/**
 * Checks a parsed query against the fields (unknown field, an operator the field does not take,
 * a value it cannot hold: 400 at the position) and turns it into a test of one asset.
 */
export function compileSearchQuery(node: SearchNode, context: FieldContext): AssetPredicate {
  return compileNode(node, createFieldResolver(context));
}

/** Whether a query names `type` anywhere: without it, ImageKit's search returns files only. */
export function mentionsType(node: SearchNode): boolean {
  return node.kind === "comparison"
    ? node.field === "type"
    : node.operands.some((operand) => mentionsType(operand));
}
