import type { DefaultValue, FieldType, IndexModel } from "../model.js";
import type { AttributeNode, EntityNode, FieldNode } from "../syntax/ast.js";
import type { Span } from "../syntax/span.js";
import type { EntitySettings } from "./entity-attributes.js";

/** A field while the passes fill it in. */
export interface FieldDraft {
  readonly node: FieldNode;
  readonly name: string;
  readonly nullable: boolean;
  /** Undefined when the type failed to resolve; checks that need it are skipped. */
  type: FieldType | undefined;
  column: string;
  columnSpan: Span;
  unsigned: boolean;
  precision: number | undefined;
  default: DefaultValue | undefined;
  /** `@unique` or `@index` as written. */
  indexAttribute: AttributeNode | undefined;
  /** `@cached` as written. */
  cachedAttribute: AttributeNode | undefined;
  cached: boolean;
}

/** An index with the span its problems are reported at. */
export interface IndexDraft extends Omit<IndexModel, "covered"> {
  readonly span: Span;
  readonly nameSpan: Span;
}

/** An entity while the passes fill it in. */
export interface EntityDraft {
  readonly node: EntityNode;
  readonly name: string;
  readonly file: string;
  readonly settings: EntitySettings;
  /** Declared fields, without the implicit id. */
  readonly fields: readonly FieldDraft[];
  readonly indexes: IndexDraft[];
}
