export {
  type CompiledField,
  type CompiledLayout,
  type CompiledRecord,
  compileLayout,
  isCompiledLayout,
} from './compile.js';
export {
  type ComputedDefinition,
  type FieldDefinition,
  type LayoutDefinition,
  LayoutDefinitionSchema,
  layoutDefinitionJsonSchema,
  type NormalizedLayoutDefinition,
  type RecordDefinition,
} from './definition.js';
export { encodeLayoutText } from './encoding.js';
export {
  LAYOUT_ISSUE_CODES,
  type LayoutIssue,
  type LayoutIssueCode,
  type LayoutLocation,
} from './layout-issues.js';
export {
  type ParsedLayout,
  type ParsedRecord,
  type ParsedRecords,
  type ParseLayoutOptions,
  parseLayout,
  parseRecords,
} from './parse.js';
export {
  type LayoutRecordLine,
  LayoutRecordLineSchema,
  layoutRecordLineJsonSchema,
  type RecordsJsonRead,
  readRecordsJson,
  recordsToJson,
} from './records-json.js';
export {
  type BuiltInLayoutId,
  DEFAULT_LAYOUT_ID,
  isBuiltInLayoutId,
  LAYOUTS,
  layoutById,
  loadLayoutDefinition,
} from './registry.js';
export {
  layoutRenderer,
  type RecordInput,
  type RenderedLayout,
  type RenderLayoutOptions,
  type RenderRecordsOptions,
  renderLayout,
  renderRecords,
} from './render.js';
export { validateLayoutText } from './validate.js';
